"""Money in is a top-up: the one rule every way a payment is recorded goes through.

Whatever records a customer's money (a payment by hand or by the API, a confirmed statement
credit, a paid payment link's webhook, an owner's confirmed cash handover) calls
``money_received`` with the customers it paid for, after the payments are flushed and settled.
For each prepaid one the holds of the generated days not begun are decided again
(``holds.reconsider``): a day the wallet now covers is lifted and synced, so a held tomorrow is
generated again. Postpaid customers are left alone. The request or job owns the transaction.

``billing`` sits below ``wallets`` (a wallet reads the ledger), so a use case of billing that
takes money in (``billing.handovers.confirm``) is wrapped here; those above (statements,
payment links) call ``money_received`` themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.billing import handovers
from milkrun.customers.models import Customer
from milkrun.payments.models import CashCollection
from milkrun.payments.schemas import HandoverConfirm, HandoverLine
from milkrun.wallets import holds


def money_received(
    session: Session,
    customer_ids: Iterable[int],
    actor: audit.Actor,
    *,
    threshold_paise: int,
    today: dt.date,
) -> list[int]:
    """The customers named were paid for: decide the holds of the prepaid ones again (one read
    of which are prepaid). Returns the prepaid customers whose holds were reconsidered."""
    wanted = sorted(set(customer_ids))
    if not wanted:
        return []
    session.flush()
    prepaid = session.scalars(
        select(Customer.id)
        .where(Customer.id.in_(wanted), Customer.is_prepaid.is_(True))
        .order_by(Customer.id)
    ).all()
    for customer_id in prepaid:
        holds.reconsider(session, customer_id, threshold_paise, actor, today=today)
    return list(prepaid)


def confirm_handover(
    session: Session,
    actor: audit.Actor,
    request: HandoverConfirm,
    *,
    threshold_paise: int,
    today: dt.date,
    now: dt.datetime | None = None,
) -> HandoverLine:
    """Confirm a delivery boy's handover (``billing.handovers.confirm``: its cash becomes the
    customers' payments), then a top-up for each customer it paid for."""
    line = handovers.confirm(session, actor, request, now=now)
    paid_for = session.scalars(
        select(CashCollection.customer_id)
        .where(CashCollection.handover_id == line.handover_id)
        .distinct()
    ).all()
    money_received(session, paid_for, actor, threshold_paise=threshold_paise, today=today)
    return line
