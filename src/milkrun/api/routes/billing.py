"""Billing runs and reconciliation (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from milkrun import clock
from milkrun.api.deps import ActorDep, AdminUser, SessionDep, SettingsDep
from milkrun.billing import reconcile, service
from milkrun.billing.schemas import (
    MONTH_PATTERN,
    BillingRunRequest,
    BillingRunResult,
    Reconciliation,
    parse_month,
)

router = APIRouter(prefix="/billing", tags=["billing"])

MonthQuery = Annotated[
    str, Query(pattern=MONTH_PATTERN, description="YYYY-MM", examples=["2026-11"])
]


@router.post("/runs", response_model=BillingRunResult)
def run_billing(
    body: BillingRunRequest,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> BillingRunResult:
    """Bill a month: one draft per customer from what was delivered (rebuilt on every run);
    with ``finalize`` the drafts are also numbered and issued."""
    return service.run_billing(
        session, parse_month(body.month), actor, settings, finalize=body.finalize
    )


@router.get("/reconcile", response_model=Reconciliation)
def reconcile_month(
    month: MonthQuery, _: AdminUser, session: SessionDep, settings: SettingsDep
) -> Reconciliation:
    """Delivered orders on no invoice, invoiced quantities with no delivery behind them, and the
    money on both sides (before tax); past orders still unmarked, corrections a finalized month
    did not carry, and customers whose bills and payments disagree with their ledger. Clean
    when every list is empty."""
    return reconcile.reconcile(session, parse_month(month), today=clock.today(settings.zone))
