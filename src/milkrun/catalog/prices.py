"""The price in force on a date, stated once for SQL and once for memory.

The rule (catalog invariant): a product's price on date D is the price with the latest
``effective_from`` on or before D; before its first price a product has none. ``in_force`` is
the rule as a subquery for set-based reads (``queries.prices_on``, the due relation of
``orders.due``); ``PriceList`` is the rule over prices already read, for a bulk job that asks
for many dates (the legacy import). A property test pins that the two agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Subquery, and_, func, select

from milkrun.catalog.models import ProductPrice


def in_force(on: dt.date, product_ids: Iterable[int] | None = None) -> Subquery:
    """(product_id, price_paise) of every product priced on ``on`` (of ``product_ids`` only,
    when given): the price with the latest ``effective_from`` on or before it."""
    since = select(
        ProductPrice.product_id, func.max(ProductPrice.effective_from).label("since")
    ).where(ProductPrice.effective_from <= on)
    if product_ids is not None:
        since = since.where(ProductPrice.product_id.in_(list(product_ids)))
    latest = since.group_by(ProductPrice.product_id).subquery("price_since")
    return (
        select(ProductPrice.product_id, ProductPrice.price_paise)
        .join(
            latest,
            and_(
                ProductPrice.product_id == latest.c.product_id,
                ProductPrice.effective_from == latest.c.since,
            ),
        )
        .subquery("price")
    )


class PriceList:
    """Every price of some products, read once; ``on`` answers the price of any date."""

    def __init__(self, prices: Iterable[tuple[int, dt.date, int]]) -> None:
        """``prices``: (product_id, effective_from, price_paise) rows, in any order."""
        self._since: dict[int, list[dt.date]] = defaultdict(list)
        self._paise: dict[int, list[int]] = defaultdict(list)
        for product_id, effective_from, price_paise in sorted(prices):
            self._since[product_id].append(effective_from)
            self._paise[product_id].append(price_paise)

    def on(self, product_id: int, day: dt.date) -> int | None:
        """The price (paise) in force on ``day``; None before the product's first price."""
        index = bisect.bisect_right(self._since.get(product_id, []), day)
        return self._paise[product_id][index - 1] if index else None
