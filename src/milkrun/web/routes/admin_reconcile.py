"""Reconciliation for the owner (/admin/billing/reconcile?month=YYYY-MM): every list of
``billing.reconcile`` (delivered not billed, billed not delivered, past orders unresolved,
corrections not carried, balances that disagree with the ledger), the same answer as GET
/api/v1/billing/reconcile, with links to each order's route day and to the customers.

The page shows the month's last stored check (``billing.reconciliations``: stored by the
billing run, finalizing and each day close), with its time and what happened since that may
have changed it; a month never checked is checked once on opening and stored. **Check again**
(POST) checks it live, stores it and comes back.

The dairy's books and its GST return span every hub: an admin limited to one is refused (403,
said in words), as for a billing run."""

from __future__ import annotations

import datetime as dt
import itertools

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.billing import overview, reconciliations
from milkrun.billing.schemas import month_text
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import DatabaseDep
from milkrun.money import to_paise
from milkrun.web.forms import FormText
from milkrun.web.pages import DairyVisit, PageVisit
from milkrun.web.routes.admin_billing import month_of

router = APIRouter(prefix="/admin/billing/reconcile")

# Who stored the check, as the page says it.
TRIGGERS = {
    reconciliations.PAGE: "checked from this page",
    reconciliations.BILLING_RUN: "after the billing run",
    reconciliations.FINALIZE: "after finalizing",
    reconciliations.DAY_CLOSE: "after a day close",
}


def _stored(visit: PageVisit, database: DatabaseDep, month: dt.date) -> reconciliations.Stored:
    return reconciliations.shown(visit.session, database, month, visit.actor, today=visit.today)


def _show(
    visit: PageVisit,
    month: dt.date,
    stored: reconciliations.Stored,
    *,
    status_code: int = 200,
    error: str | None = None,
    done: bool = False,
) -> Response:
    found = stored.found
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
        done=done,
        month=month,
        month_text=month_text(month),
        found=found,
        stored=stored,
        stored_by=stored.checked_by.split(":", 1)[-1],
        stored_how=TRIGGERS.get(stored.trigger, stored.trigger),
        since=reconciliations.since(visit.session, stored, visit.today),
        zone=visit.settings.zone,
        delivered_paise=to_paise(found.delivered_total),
        billed_paise=to_paise(found.billed_total),
        customers=customers,
    )


@router.get("", response_model=None)
def reconciliation(
    visit: DairyVisit, database: DatabaseDep, month: str | None = None, done: str = ""
) -> Response:
    try:
        chosen = month_of(visit, month)
        stored = _stored(visit, database, chosen)
    except MilkrunError as exc:
        chosen = visit.today.replace(day=1)
        stored = _stored(visit, database, chosen)
        return _show(visit, chosen, stored, status_code=exc.status, error=exc.detail)
    return _show(visit, chosen, stored, done=done == "checked")


@router.post("/check", response_model=None)
def check_again(visit: DairyVisit, database: DatabaseDep, month: FormText = "") -> Response:
    """Reconcile the month now, live, store it as its last check, and show it."""
    try:
        chosen = month_of(visit, month)
        reconciliations.check(
            visit.session, chosen, visit.actor, reconciliations.PAGE, today=visit.today
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        chosen = visit.today.replace(day=1)
        return _show(
            visit,
            chosen,
            _stored(visit, database, chosen),
            status_code=exc.status,
            error=exc.detail,
        )
    return RedirectResponse(
        f"/admin/billing/reconcile?month={month_text(chosen)}&done=checked", 303
    )
