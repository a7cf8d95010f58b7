"""Recording a correction to a billed order. Called by deliveries in the mark's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.catalog.models import Product
from milkrun.money import percent_of
from milkrun.orders.models import Order

MAX_REASON = 200


def record_correction(
    session: Session,
    *,
    order_id: int,
    quantity_before: int,
    quantity_after: int,
    reason: str,
    user_id: int | None = None,
    link_id: int | None = None,
) -> Adjustment | None:
    """A change of an order's delivered quantity after the order was put on an invoice becomes
    an adjustment against that invoice: (after - before) x the order's unit price, with the
    product's tax rounded half up (away from zero for a credit).

    Nothing is recorded for an order on no invoice (the next billing run simply bills what was
    delivered) or when the quantity does not change (a new reason for a non-delivery). Whether
    the adjustment is carried by the next bill or absorbed because its invoice was still a draft
    is billing's to decide (see ``milkrun.billing``). The order row is read locked, so a billing
    run that is putting the order on an invoice right now finishes first.
    """
    if quantity_before == quantity_after:
        return None
    row = session.execute(
        select(Order.invoice_id, Order.customer_id, Order.unit_price_paise, Product.tax_rate_bps)
        .join(Product, Product.id == Order.product_id)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
    ).one()
    if row.invoice_id is None:
        return None
    amount = (quantity_after - quantity_before) * row.unit_price_paise
    adjustment = Adjustment(
        customer_id=row.customer_id,
        order_id=order_id,
        against_invoice_id=row.invoice_id,
        quantity_before=quantity_before,
        quantity_after=quantity_after,
        unit_price_paise=row.unit_price_paise,
        amount_paise=amount,
        tax_rate_bps=row.tax_rate_bps,
        tax_paise=percent_of(amount, row.tax_rate_bps),
        reason=reason[:MAX_REASON],
        created_by_user_id=user_id,
        created_by_link_id=link_id,
    )
    session.add(adjustment)
    session.flush()
    return adjustment
