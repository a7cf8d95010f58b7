"""What generating a date would do, per route and product: the dry run of ``generate`` broken
down, so the owner sees where the orders to create, change and cancel are before confirming.

The counting is ``sync.what_sync_does`` (the dry run's own statement, grouped by route and
product as well): counts come back from PostgreSQL, never the day's rows. Its totals are the
dry run's counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from milkrun.hubs import queries as hub_queries
from milkrun.orders import sync
from milkrun.orders.sync import Counts


@dataclass
class Line:
    route_id: int | None
    product_id: int
    create: int = 0
    change: int = 0
    cancel: int = 0


@dataclass
class Preview:
    day: dt.date
    counts: Counts
    lines: list[Line] = field(default_factory=list)
    # What closes the day ("Whole dairy: Diwali"): those customers are not due.
    holidays: list[str] = field(default_factory=list)


def breakdown(session: Session, day: dt.date) -> Preview:
    """The orders generating ``day`` would create, change and cancel, in total (as the dry run
    counts them) and per (route, product) with anything to do."""
    session.flush()
    sync.room_for_a_day(session)
    per_line: dict[tuple[int | None, int], dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)
    for route_id, product_id, what, n in sync.what_sync_does(session, day, per_line=True):
        if what is not None:
            per_line[route_id, product_id][what] = int(n)
            totals[what] += int(n)
    lines = [
        Line(route_id, product_id, *(n.get(w, 0) for w in (sync.CREATE, sync.CHANGE, sync.CANCEL)))
        for (route_id, product_id), n in per_line.items()
        if n.keys() - {sync.KEEP}
    ]
    lines.sort(key=lambda line: (line.route_id or 0, line.product_id))
    counts = Counts(*(totals[w] for w in (sync.CREATE, sync.CHANGE, sync.CANCEL, sync.KEEP)))
    return Preview(day, counts, lines, hub_queries.holidays_on(session, day))
