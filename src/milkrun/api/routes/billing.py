"""Billing runs and reconciliation (admins)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from milkrun import clock
from milkrun.api.deps import ActorDep, DairyAdmin, SessionDep, SettingsDep
from milkrun.billing import reconcile, reconciliations, service
from milkrun.billing.schemas import (
    MONTH_PATTERN,
    BillingRunRequest,
    BillingRunResult,
    Reconciliation,
    parse_month,
)
from milkrun.counter_sales.returns import gstr1 as gstr1_return
from milkrun.http.deps import DatabaseDep

router = APIRouter(prefix="/billing", tags=["billing"])

MonthQuery = Annotated[
    str, Query(pattern=MONTH_PATTERN, description="YYYY-MM", examples=["2026-11"])
]


@router.post("/runs", response_model=BillingRunResult)
def run_billing(
    body: BillingRunRequest,
    _: DairyAdmin,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    database: DatabaseDep,
    after: BackgroundTasks,
) -> BillingRunResult:
    """Bill a month: one draft per customer from what was delivered (rebuilt on every run);
    with ``finalize`` the drafts are also numbered and issued. The month's reconciliation is
    checked and stored for the owner's page once the run has committed."""
    month = parse_month(body.month)
    result = service.run_billing(session, month, actor, settings, finalize=body.finalize)
    trigger = reconciliations.FINALIZE if body.finalize else reconciliations.BILLING_RUN
    after.add_task(reconciliations.refresh, database, [month], actor, trigger, settings)
    return result


@router.get("/reconcile", response_model=Reconciliation)
def reconcile_month(
    month: MonthQuery, _: DairyAdmin, session: SessionDep, settings: SettingsDep
) -> Reconciliation:
    """Delivered orders on no invoice, invoiced quantities with no delivery behind them, and the
    money on both sides (before tax); past orders still unmarked, corrections a finalized month
    did not carry, and customers whose bills and payments disagree with their ledger. Clean
    when every list is empty."""
    return reconcile.reconcile(session, parse_month(month), today=clock.today(settings.zone))


class Gstr1Table(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]


class Gstr1Read(BaseModel):
    month: str
    gstin: str
    state: str
    tables: list[Gstr1Table]


@router.get("/gstr1", response_model=Gstr1Read)
def gstr1_month(
    month: MonthQuery, _: DairyAdmin, session: SessionDep, settings: SettingsDep
) -> Gstr1Read:
    """The month's GSTR-1-style return (bills issued and counter sales made that month): B2B,
    B2C summary by rate, nil-rated supplies, HSN summary, documents issued per series (the
    cash-memo series too) and cancelled numbers. Money
    as rupee strings, rates as percentages; prices are tax-inclusive."""
    found = gstr1_return(session, parse_month(month), settings)
    return Gstr1Read(
        month=month,
        gstin=found.gstin,
        state=found.state,
        tables=[
            Gstr1Table(
                name=table.name,
                title=table.title,
                columns=[column.key for column in table.columns],
                rows=[
                    [table.cell(c, v) for c, v in zip(table.columns, row, strict=True)]
                    for row in table.rows
                ],
            )
            for table in found.tables
        ],
    )


@router.get(
    "/gstr1/{table}.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def gstr1_csv(
    table: Literal["b2b", "b2cs", "nil", "hsn", "docs", "cancelled"],
    month: MonthQuery,
    _: DairyAdmin,
    session: SessionDep,
    settings: SettingsDep,
) -> PlainTextResponse:
    """One table of the month's return as CSV (the rows the JSON and the page show)."""
    found = gstr1_return(session, parse_month(month), settings).table(table)
    return PlainTextResponse(
        found.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="gstr1-{month}-{table}.csv"'},
    )
