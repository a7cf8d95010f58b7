"""The billing month as the owner reviews it: its invoices per route and state, what the last
runs did (from the audit trail), whether it may be finalized yet, and the month's invoices a
page at a time. Reads only; set-based (one grouped query per figure, whatever the month's
size). Each narrows to the hub in view (``HubScope``: the invoices of its customers); the runs
span every hub, so an admin limited to one sees none of them (the owner runs and finalizes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.billing.errors import NothingToZip
from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.billing.months import month_end
from milkrun.billing.schemas import month_text
from milkrun.customers.models import Customer
from milkrun.hubs.scope import EVERY_HUB, HubScope
from milkrun.money import to_paise
from milkrun.periods.models import DayClose, MonthClose
from milkrun.routing.models import Route

# How many recent billing events are searched for a month's last runs.
RUNS_SEARCHED = 200


@dataclass(frozen=True)
class RouteTotal:
    route_id: int | None
    route: str
    drafts: int
    issued: int
    void: int
    total_paise: int


@dataclass(frozen=True)
class Run:
    """One billing run of the month as the audit trail recorded it."""

    at: dt.datetime
    by: str
    created: int
    updated: int
    deleted: int
    finalized: int
    invoices: int
    total_paise: int


@dataclass(frozen=True)
class MonthState:
    month: dt.date
    last_day_closed: bool
    finalized_at: dt.datetime | None
    drafts: int
    issued: int


def by_route(session: Session, month: dt.date, scope: HubScope = EVERY_HUB) -> list[RouteTotal]:
    """The month's invoices per route (a customer's route today): how many drafts, issued and
    void, and the total of those not void."""
    status = Invoice.status
    draft = status == InvoiceStatus.draft.value
    void = status == InvoiceStatus.void.value
    rows = session.execute(
        select(
            Route.id,
            Route.name,
            func.sum(case((draft, 1), else_=0)),
            func.sum(case((draft | void, 0), else_=1)),
            func.sum(case((void, 1), else_=0)),
            func.sum(case((void, 0), else_=Invoice.total_paise)),
        )
        .select_from(Invoice)
        .join(Customer, Customer.id == Invoice.customer_id)
        .outerjoin(Route, Route.id == Customer.route_id)
        .where(Invoice.month == month, scope.has_customer(Invoice.customer_id))
        .group_by(Route.id, Route.name)
        .order_by(Route.name)
    )
    return [
        RouteTotal(
            route_id=route_id,
            route=name or "No route",
            drafts=int(drafts or 0),
            issued=int(issued or 0),
            void=int(void or 0),
            total_paise=int(total or 0),
        )
        for route_id, name, drafts, issued, void, total in rows
    ]


def last_runs(
    session: Session, month: dt.date, count: int = 2, scope: HubScope = EVERY_HUB
) -> list[Run]:
    """The month's last ``count`` billing runs, latest first (the page shows what changed);
    none for an admin limited to one hub (a run's figures are the whole dairy's)."""
    if scope.is_limited:
        return []
    text = month_text(month)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "billing.run")
        .order_by(AuditEvent.id.desc())
        .limit(RUNS_SEARCHED)
    )
    runs: list[Run] = []
    for event in events:
        after: dict[str, Any] = event.after or {}
        if after.get("month") != text:
            continue
        runs.append(
            Run(
                at=event.occurred_at,
                by=event.actor_label,
                created=int(after.get("invoices_created", 0)),
                updated=int(after.get("invoices_updated", 0)),
                deleted=int(after.get("invoices_deleted", 0)),
                finalized=int(after.get("invoices_finalized", 0)),
                invoices=int(after.get("invoices", 0)),
                total_paise=to_paise(str(after.get("total", "0"))),
            )
        )
        if len(runs) == count:
            break
    return runs


def state_of(session: Session, month: dt.date, scope: HubScope = EVERY_HUB) -> MonthState:
    """Whether the month may be finalized (its last day closed) and its drafts and bills (of
    the hub in view)."""
    counts = dict(
        session.execute(
            select(Invoice.status, func.count(Invoice.id))
            .where(Invoice.month == month, scope.has_customer(Invoice.customer_id))
            .group_by(Invoice.status)
        ).all()
    )
    drafts = int(counts.pop(InvoiceStatus.draft.value, 0))
    counts.pop(InvoiceStatus.void.value, None)
    close = session.get(MonthClose, month)
    closed = session.scalar(select(DayClose.id).where(DayClose.delivery_date == month_end(month)))
    return MonthState(
        month=month,
        last_day_closed=closed is not None,
        finalized_at=close.closed_at if close else None,
        drafts=drafts,
        issued=sum(int(n) for n in counts.values()),
    )


def month_invoices(
    session: Session,
    month: dt.date,
    *,
    limit: int,
    offset: int,
    status: str | None = None,
    scope: HubScope = EVERY_HUB,
) -> tuple[Sequence[Invoice], int]:
    """One page of the month's invoices by customer name, and how many there are."""
    statement = select(Invoice).where(
        Invoice.month == month, scope.has_customer(Invoice.customer_id)
    )
    if status:
        statement = statement.where(Invoice.status == status)
    total = int(
        session.scalar(statement.with_only_columns(func.count(Invoice.id)).order_by(None)) or 0
    )
    rows = session.scalars(
        statement.order_by(Invoice.customer_name, Invoice.id).limit(limit).offset(offset)
    ).all()
    return rows, total


def month_issued(
    session: Session, month: dt.date, scope: HubScope = EVERY_HUB
) -> Sequence[Invoice]:
    """The month's invoices that are bills (issued, not void), by number: the ZIP's."""
    return session.scalars(
        select(Invoice)
        .where(
            Invoice.month == month,
            scope.has_customer(Invoice.customer_id),
            Invoice.status.not_in([InvoiceStatus.draft.value, InvoiceStatus.void.value]),
        )
        .order_by(Invoice.sequence, Invoice.id)
    ).all()


def route_issued(
    session: Session, month: dt.date, route: Route, scope: HubScope = EVERY_HUB
) -> Sequence[Invoice]:
    """The month's bills of the customers on ``route`` today, in its stop order: what the
    delivery boy hands out with the morning's milk (customers with no stop last, by name)."""
    scope.ensure_route(route)
    return session.scalars(
        select(Invoice)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            Invoice.month == month,
            Customer.route_id == route.id,
            Invoice.status.not_in([InvoiceStatus.draft.value, InvoiceStatus.void.value]),
        )
        .order_by(Customer.stop_sequence.is_(None), Customer.stop_sequence, Customer.name)
    ).all()


def require_some(invoices: Sequence[Invoice], month: dt.date) -> None:
    if not invoices:
        raise NothingToZip(f"{month:%B %Y} has no issued bills yet: finalize the month first")


def customers_named(
    session: Session, customer_ids: Iterable[int]
) -> dict[int, tuple[str, int | None]]:
    """Each customer's name and route (for links from reconciliation's lists), one query."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.route_id).where(Customer.id.in_(ids))
    )
    return {customer_id: (name, route_id) for customer_id, name, route_id in rows}
