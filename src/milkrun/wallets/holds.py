"""Deciding the low-balance holds of a date, and lifting them when the money is back.

``decide(D)`` compares what ``balance.too_low`` says with the holds of D in a few statements
(one read of the low wallets, one read of D's holds, one executemany per kind of change):
a low wallet without a hold gets one, a lifted hold whose wallet is low again is put back, a
live hold whose wallet is no longer low is lifted. Each change is audited; a new hold writes a
``low_balance`` message to the outbox, in the same transaction. Holds are never deleted: a
skipped day stays visible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.money import to_rupees
from milkrun.notify import outbox
from milkrun.orders import generate
from milkrun.orders.models import LowBalanceHold
from milkrun.orders.sync import lock_day, sync_day
from milkrun.subscriptions.bookkeeping import Deliveries
from milkrun.wallets import balance

HOLDS = cast(Table, LowBalanceHold.__table__)


@dataclass
class Decided:
    held: list[int] = field(default_factory=list)
    lifted: list[int] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.held or self.lifted)


def decide(
    session: Session,
    day: dt.date,
    threshold_paise: int,
    actor: audit.Actor,
    *,
    customer_id: int | None = None,
) -> Decided:
    """Make the holds of ``day`` (of one customer, or of every prepaid customer) agree with the
    wallets: see the module docstring. Serialized with the day's materialization."""
    session.flush()
    lock_day(session, day)
    now = clock.now()
    low = {
        row.customer_id: row
        for row in session.execute(balance.too_low(day, threshold_paise, customer_id))
    }
    existing = select(LowBalanceHold).where(LowBalanceHold.delivery_date == day)
    if customer_id is not None:
        existing = existing.where(LowBalanceHold.customer_id == customer_id)
    holds = {hold.customer_id: hold for hold in session.scalars(existing)}

    new = [low[c] for c in low if c not in holds]
    again = [low[c] for c in low if c in holds and holds[c].lifted_at is not None]
    lift = [holds[c] for c in holds if c not in low and holds[c].lifted_at is None]
    if new:
        session.execute(
            insert(HOLDS),
            [
                {**_amounts(row), "customer_id": row.customer_id, "delivery_date": day}
                | {"created_at": now}
                for row in new
            ],
        )
    if again:
        session.execute(
            update(HOLDS)
            .where(HOLDS.c.id == _bind("hold_id"))
            .values(lifted_at=None, created_at=now, **{k: _bind(k) for k in _AMOUNTS}),
            [{"hold_id": holds[row.customer_id].id, **_amounts(row)} for row in again],
        )
    if lift:
        session.execute(
            update(HOLDS).where(HOLDS.c.id == _bind("hold_id")).values(lifted_at=now),
            [{"hold_id": hold.id} for hold in lift],
        )
    for hold in lift:
        session.expire(hold)
    audit.record_many(
        session,
        actor,
        "wallet.hold",
        "customer",
        [
            (row.customer_id, row.customer_id, {"delivery_date": day, **_rupees(row)})
            for row in [*new, *again]
        ],
    )
    outbox.low_balances(session, [*new, *again], day)
    audit.record_many(
        session,
        actor,
        "wallet.lift",
        "customer",
        [(hold.customer_id, hold.customer_id, {"delivery_date": day}) for hold in lift],
    )
    return Decided(
        held=sorted(row.customer_id for row in [*new, *again]),
        lifted=sorted(hold.customer_id for hold in lift),
    )


def reconsider(
    session: Session,
    customer_id: int,
    threshold_paise: int,
    actor: audit.Actor,
    *,
    today: dt.date,
) -> list[dt.date]:
    """After the customer's money or terms changed: decide its holds again on every generated
    date that has not begun (after ``today``) and sync the dates whose holds changed, so a
    top-up brings tomorrow's orders back (and a customer made prepaid with too little loses
    them). Returns the dates synced."""
    synced = []
    for day in generate.generated_dates(session, today + dt.timedelta(days=1)):
        if decide(session, day, threshold_paise, actor, customer_id=customer_id).changed_anything:
            sync_day(session, day, Deliveries(customer_id=customer_id))
            synced.append(day)
    return synced


_AMOUNTS = ("available_paise", "needed_paise", "threshold_paise")


def _amounts(row: Any) -> dict[str, int]:
    return {key: int(getattr(row, key)) for key in _AMOUNTS}


def _rupees(row: Any) -> dict[str, str]:
    return {key.removesuffix("_paise"): to_rupees(int(getattr(row, key))) for key in _AMOUNTS}


def _bind(name: str) -> Any:
    return bindparam(name)
