from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from milkrun.db.pagination import paginate
from milkrun.routing.models import Shift
from milkrun.subscriptions import schedule
from milkrun.subscriptions.errors import PauseNotFound, SubscriptionNotFound
from milkrun.subscriptions.models import (
    WEEKDAYS,
    Override,
    Pause,
    ScheduleKind,
    Subscription,
    SubscriptionTerms,
)
from milkrun.subscriptions.schemas import (
    SubscriptionRead,
    SubscriptionStatus,
    TermsRead,
    schedule_out,
)


def get_subscription(
    session: Session, subscription_id: int, *, customer_id: int | None = None
) -> Subscription:
    """A subscription; with ``customer_id``, only if it is that customer's (else: not found)."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or (
        customer_id is not None and subscription.customer_id != customer_id
    ):
        raise SubscriptionNotFound(f"There is no subscription {subscription_id}")
    return subscription


def list_subscriptions(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    customer_id: int | None = None,
    active_on: dt.date | None = None,
    customers: Select[Any] | None = None,
) -> tuple[Sequence[Subscription], str | None]:
    """Subscriptions by id, filtered; of ``customers`` (those in view) when given."""
    statement = select(Subscription)
    if customers is not None:
        statement = statement.where(Subscription.customer_id.in_(customers))
    if customer_id is not None:
        statement = statement.where(Subscription.customer_id == customer_id)
    if active_on is not None:
        statement = statement.where(
            Subscription.start_date <= active_on,
            or_(Subscription.end_date.is_(None), Subscription.end_date >= active_on),
        )
    return paginate(session, statement, Subscription.id, limit=limit, cursor=cursor)


def terms_of(
    session: Session, subscription_ids: Iterable[int]
) -> dict[int, list[SubscriptionTerms]]:
    """Each subscription's terms, oldest first."""
    ids = list(subscription_ids)
    found: dict[int, list[SubscriptionTerms]] = defaultdict(list)
    if not ids:
        return found
    rows = session.scalars(
        select(SubscriptionTerms)
        .where(SubscriptionTerms.subscription_id.in_(ids))
        .order_by(SubscriptionTerms.subscription_id, SubscriptionTerms.effective_from)
    )
    for row in rows:
        found[row.subscription_id].append(row)
    return found


def usual_quantities(
    session: Session, subscription_ids: Iterable[int], day: dt.date
) -> dict[int, int]:
    """What each subscription's terms in force on ``day`` bring that day, before overrides and
    pauses (subscriptions without terms in force yet are left out). One query, columns only."""
    ids = list(subscription_ids)
    if not ids:
        return {}
    terms = SubscriptionTerms
    in_force = (
        select(terms.subscription_id, func.max(terms.effective_from).label("effective_from"))
        .where(terms.subscription_id.in_(ids), terms.effective_from <= day)
        .group_by(terms.subscription_id)
        .subquery("in_force")
    )
    rows = session.execute(
        select(
            terms.subscription_id,
            terms.kind,
            terms.quantity,
            terms.interval_days,
            terms.anchor_date,
            *(getattr(terms, f"{weekday}_quantity") for weekday in WEEKDAYS),
        ).join(
            in_force,
            and_(
                in_force.c.subscription_id == terms.subscription_id,
                in_force.c.effective_from == terms.effective_from,
            ),
        )
    )
    return {row.subscription_id: schedule_of(row).quantity_on(day, row.anchor_date) for row in rows}


def schedule_of(row: SubscriptionTerms | Row[Any]) -> schedule.Schedule:
    """A schedule from a terms row (or a row of its schedule's columns)."""
    kind = ScheduleKind(row.kind)
    if kind == ScheduleKind.weekdays:
        return schedule.Schedule(
            kind,
            None,
            1,
            tuple(int(getattr(row, f"{day}_quantity") or 0) for day in WEEKDAYS),
        )
    return schedule.Schedule(kind, row.quantity, row.interval_days)


def terms_value(row: SubscriptionTerms) -> schedule.Terms:
    return schedule.Terms(
        effective_from=row.effective_from,
        product_id=row.product_id,
        shift=row.shift,
        schedule=schedule_of(row),
        anchor_date=row.anchor_date,
    )


def plan_of(subscription: Subscription, terms: Sequence[SubscriptionTerms]) -> schedule.Plan:
    return schedule.Plan(
        subscription_id=subscription.id,
        customer_id=subscription.customer_id,
        start_date=subscription.start_date,
        end_date=subscription.end_date,
        terms=tuple(terms_value(row) for row in terms),
    )


def _status(subscription: Subscription, today: dt.date) -> SubscriptionStatus:
    if subscription.start_date > today:
        return "upcoming"
    if subscription.end_date is not None and subscription.end_date < today:
        return "ended"
    return "active"


def read_subscriptions(
    session: Session, subscriptions: Sequence[Subscription], today: dt.date
) -> list[SubscriptionRead]:
    """The API view: the terms in force today (or at the start, or at the end), and the changes
    planned after them."""
    terms = terms_of(session, [s.id for s in subscriptions])
    reads = []
    for subscription in subscriptions:
        rows = terms[subscription.id]
        as_of = max(today, subscription.start_date)
        if subscription.end_date is not None:
            as_of = min(as_of, subscription.end_date)
        current = next(r for r in reversed(rows) if r.effective_from <= as_of)
        reads.append(
            SubscriptionRead(
                id=subscription.id,
                customer_id=subscription.customer_id,
                product_id=current.product_id,
                shift=Shift(current.shift),
                schedule=schedule_out(schedule_of(current)),
                start_date=subscription.start_date,
                end_date=subscription.end_date,
                status=_status(subscription, today),
                anchor_date=current.anchor_date,
                effective_from=current.effective_from,
                upcoming_changes=[
                    TermsRead(
                        effective_from=r.effective_from,
                        product_id=r.product_id,
                        shift=Shift(r.shift),
                        schedule=schedule_out(schedule_of(r)),
                        anchor_date=r.anchor_date,
                    )
                    for r in rows
                    if r.effective_from > current.effective_from
                ],
                created_at=subscription.created_at,
            )
        )
    return reads


def get_pause(session: Session, pause_id: int, *, customer_id: int | None = None) -> Pause:
    pause = session.get(Pause, pause_id)
    if pause is None or (customer_id is not None and pause.customer_id != customer_id):
        raise PauseNotFound(f"There is no pause {pause_id}")
    return pause


def list_pauses(
    session: Session,
    *,
    customer_id: int | None = None,
    subscription_id: int | None = None,
    current_from: dt.date | None = None,
) -> Sequence[Pause]:
    """Pauses, earliest first. With ``subscription_id``: that subscription's own pauses and the
    customer-wide ones of its customer. With ``current_from``: those not over before it."""
    statement = select(Pause)
    if customer_id is not None:
        statement = statement.where(Pause.customer_id == customer_id)
    if subscription_id is not None:
        statement = statement.where(
            or_(Pause.subscription_id == subscription_id, Pause.subscription_id.is_(None))
        )
    if current_from is not None:
        statement = statement.where(or_(Pause.end_date.is_(None), Pause.end_date >= current_from))
    return session.scalars(statement.order_by(Pause.start_date, Pause.id)).all()


def overlapping_pause(
    session: Session,
    *,
    customer_id: int,
    subscription_id: int | None,
    start_date: dt.date,
    end_date: dt.date | None,
    except_id: int | None = None,
) -> Pause | None:
    """A pause that covers some of the same deliveries on some of the same days: of the same
    subscription, customer-wide, or (for a customer-wide pause) any of the customer's."""
    statement = select(Pause).where(
        Pause.customer_id == customer_id,
        or_(Pause.end_date.is_(None), Pause.end_date >= start_date),
    )
    if end_date is not None:
        statement = statement.where(Pause.start_date <= end_date)
    if subscription_id is not None:
        statement = statement.where(
            or_(Pause.subscription_id.is_(None), Pause.subscription_id == subscription_id)
        )
    if except_id is not None:
        statement = statement.where(Pause.id != except_id)
    return session.scalars(statement.order_by(Pause.start_date).limit(1)).first()


def get_override(session: Session, subscription_id: int, day: dt.date) -> Override | None:
    return session.scalar(
        select(Override).where(
            Override.subscription_id == subscription_id, Override.delivery_date == day
        )
    )


def list_overrides(
    session: Session, subscription_id: int, *, since: dt.date | None = None
) -> Sequence[Override]:
    statement = select(Override).where(Override.subscription_id == subscription_id)
    if since is not None:
        statement = statement.where(Override.delivery_date >= since)
    return session.scalars(statement.order_by(Override.delivery_date)).all()


@dataclass(frozen=True)
class CustomerPlans:
    """Everything the schedule rules need about one customer's subscriptions."""

    plans: list[schedule.Plan]
    pauses: list[schedule.PauseSpan]
    overrides: dict[int, dict[dt.date, int]]


def plans_of_customer(
    session: Session, customer_id: int, start: dt.date, end: dt.date
) -> CustomerPlans:
    """The customer's subscriptions running between ``start`` and ``end``, as rule values."""
    subscriptions = session.scalars(
        select(Subscription)
        .where(
            Subscription.customer_id == customer_id,
            Subscription.start_date <= end,
            or_(Subscription.end_date.is_(None), Subscription.end_date >= start),
        )
        .order_by(Subscription.id)
    ).all()
    terms = terms_of(session, [s.id for s in subscriptions])
    pauses = [
        schedule.PauseSpan(p.customer_id, p.subscription_id, p.start_date, p.end_date)
        for p in list_pauses(session, customer_id=customer_id, current_from=start)
    ]
    overrides: dict[int, dict[dt.date, int]] = defaultdict(dict)
    if subscriptions:
        for row in session.scalars(
            select(Override).where(
                Override.subscription_id.in_([s.id for s in subscriptions]),
                Override.delivery_date.between(start, end),
            )
        ):
            overrides[row.subscription_id][row.delivery_date] = row.quantity
    return CustomerPlans(
        plans=[plan_of(s, terms[s.id]) for s in subscriptions],
        pauses=pauses,
        overrides=overrides,
    )


def subscriptions_of(session: Session, customer_id: int) -> Sequence[Subscription]:
    """Every subscription of one customer, by id (a customer's page shows them all)."""
    return session.scalars(
        select(Subscription)
        .where(Subscription.customer_id == customer_id)
        .order_by(Subscription.id)
    ).all()
