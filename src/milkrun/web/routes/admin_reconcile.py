"""Reconciliation for the owner (/admin/billing/reconcile?month=YYYY-MM): every list of
``billing.reconcile`` (delivered not billed, billed not delivered, past orders unresolved,
corrections not carried, balances that disagree with the ledger), the same answer as GET
/api/v1/billing/reconcile, with links to each order's route day and to the customers.
The dairy's books and its GST return span every hub: an admin limited to one is refused (403,
said in words), as for a billing run."""

from __future__ import annotations

import itertools

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.billing import overview, reconcile
from milkrun.billing.schemas import month_text
from milkrun.errors import MilkrunError
from milkrun.money import to_paise
from milkrun.web.pages import DairyVisit
from milkrun.web.routes.admin_billing import month_of

router = APIRouter(prefix="/admin/billing/reconcile")


@router.get("", response_model=None)
def reconciliation(visit: DairyVisit, month: str | None = None) -> Response:
    error, status_code = None, 200
    try:
        chosen = month_of(visit, month)
        found = reconcile.reconcile(visit.session, chosen, today=visit.today)
    except MilkrunError as exc:
        error, status_code = exc.detail, exc.status
        chosen = visit.today.replace(day=1)
        found = reconcile.reconcile(visit.session, chosen, today=visit.today)
    named = itertools.chain(
        (row.customer_id for row in found.delivered_not_billed),
        (row.customer_id for row in found.billed_not_delivered),
        (row.customer_id for row in found.unresolved_orders),
        (row.customer_id for row in found.adjustments_not_carried),
        (row.customer_id for row in found.balance_mismatches),
    )
    customers = overview.customers_named(visit.session, named)
    return visit.render(
        "admin/billing/reconcile.html",
        status_code=status_code,
        error=error,
        month=chosen,
        month_text=month_text(chosen),
        found=found,
        delivered_paise=to_paise(found.delivered_total),
        billed_paise=to_paise(found.billed_total),
        customers=customers,
    )
