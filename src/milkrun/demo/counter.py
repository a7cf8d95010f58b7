"""The demo dairy's counter: a few walk-in sales today (milk and curd for cash, ghee and paneer
by UPI), one rung up twice and voided — cash memos in their own series, on the today board and
in the month's GST return. Idempotent: seeded only when today has no counter sale."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.catalog import queries as catalog_queries
from milkrun.config import Settings
from milkrun.counter_sales import queries, service
from milkrun.counter_sales.models import SaleMethod

# (SKU, quantity) per sale, how it was paid, its UPI reference.
SALES: list[tuple[list[tuple[str, int]], SaleMethod, str | None]] = [
    ([("TM500", 2), ("CURD500", 1)], SaleMethod.cash, None),
    ([("GHEE500", 1), ("PANEER200", 2)], SaleMethod.upi, "634512098877"),
    ([("BREAD400", 1), ("EGG6", 1)], SaleMethod.cash, None),
    ([("TM500", 4)], SaleMethod.cash, None),
    ([("FC1000", 1), ("PANEER200", 1)], SaleMethod.upi, None),
]
VOIDED = 3  # the fourth sale was rung up twice


def seed_counter(session: Session, *, today: dt.date, settings: Settings, actor: Actor) -> None:
    if queries.count_sales(session, today):
        return
    for index, (lines, method, reference) in enumerate(SALES):
        ids = []
        for sku, quantity in lines:
            product = catalog_queries.product_by_sku(session, sku)
            if product is not None:
                ids.append((product.id, quantity))
        if not ids:
            continue
        sale = service.record_sale(
            session, actor, settings, lines=ids, method=method, reference=reference, today=today
        )
        if index == VOIDED:
            service.void_sale(session, actor, sale.id, "Rung up twice")
