"""Materialization: the orders of a date, made from the subscriptions due on it, in set-based SQL.

What is due on date D is one SELECT (``due``); syncing D makes its open orders agree with it
(``sync``). Materializing D syncs all of its subscription orders and records the run (the
scheduler's catch-up looks for it); a dry run shows what it would do and changes nothing.
Running it twice changes nothing. The same sync re-syncs the dates a change to subscriptions,
pauses or overrides affects (``changes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.cutoff import DateInPast
from milkrun.hubs import queries as hub_queries
from milkrun.orders.models import MaterializationRun
from milkrun.orders.sync import Counts as Counts  # callers name generate.Counts
from milkrun.orders.sync import lock_day, sync_day
from milkrun.periods import queries as period_queries
from milkrun.periods.errors import MonthClosed, PastReasonRequired
from milkrun.subscriptions.bookkeeping import EVERYTHING


@dataclass(frozen=True)
class Report:
    date: dt.date
    dry_run: bool
    counts: Counts
    # The day's holidays in words ("Jayanagar: Diwali"): their customers are not due.
    holidays: tuple[str, ...] = ()


def materialize(
    session: Session,
    day: dt.date,
    actor: audit.Actor,
    *,
    dry_run: bool = False,
    trigger: str = "api",
    reason: str | None = None,
) -> Report:
    """Materialize ``day``: sync all of its subscription orders. A real run is recorded (the
    scheduler's catch-up looks for it) and audited (with ``reason``, for a past date); a dry
    run changes nothing."""
    started = clock.now()
    counts = sync_day(session, day, EVERYTHING, dry_run=dry_run)
    closed = tuple(hub_queries.holidays_on(session, day))
    if dry_run:
        return Report(day, True, counts, closed)
    run = MaterializationRun(
        delivery_date=day,
        trigger=trigger,
        actor_user_id=actor.user_id,
        started_at=started,
        finished_at=clock.now(),
        **counts.as_dict(),
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor,
        "orders.generate",
        "materialization_run",
        run.id,
        after={
            "delivery_date": day,
            "trigger": trigger,
            **counts.as_dict(),
            **({"reason": reason} if reason else {}),
        },
    )
    return Report(day, False, counts, closed)


def generate(
    session: Session,
    day: dt.date,
    actor: audit.Actor,
    *,
    today: dt.date,
    dry_run: bool = False,
    past: bool = False,
    reason: str | None = None,
    trigger: str = "api",
) -> Report:
    """Generate the orders of ``day`` on request (the API, the CLI). A day before ``today`` is
    history: refused (409 ``date_in_past``) unless an admin asks for it explicitly (``past``)
    with a reason, which the audit event keeps; a day of a month whose bills are finalized is
    always refused (409 ``month_closed``): late facts about a closed month go through
    corrections and adjustments."""
    if period_queries.is_month_closed(session, day):
        raise MonthClosed(
            f"{day:%B %Y} is closed (its bills are finalized): no order is generated for "
            f"{day.isoformat()}; correct what was delivered instead, and the next bill carries it"
        )
    if day < today and not dry_run:
        if not past:
            raise DateInPast(
                f"{day.isoformat()} is over: orders are not generated for a past date (an admin "
                "may, for a month still open, asking explicitly with a reason)"
            )
        if not (reason and reason.strip()):
            raise PastReasonRequired(
                f"Say why the orders of {day.isoformat()} are generated now (reason)"
            )
    return materialize(
        session,
        day,
        actor,
        dry_run=dry_run,
        trigger=trigger,
        reason=reason.strip() if day < today and reason else None,
    )


def materialize_if_missing(
    session: Session, day: dt.date, actor: audit.Actor, *, trigger: str
) -> Report | None:
    """Materialize ``day`` unless a run is recorded for it (the scheduler's catch-up). The check
    and the run are serialized per date, so concurrent schedulers run it once."""
    lock_day(session, day)
    if is_generated(session, day):
        return None
    return materialize(session, day, actor, trigger=trigger)


def generated_dates(
    session: Session, since: dt.date, until: dt.date | None = None
) -> list[dt.date]:
    """Delivery dates from ``since`` (to ``until``) that have been materialized."""
    statement = select(MaterializationRun.delivery_date).where(
        MaterializationRun.delivery_date >= since
    )
    if until is not None:
        statement = statement.where(MaterializationRun.delivery_date <= until)
    return sorted(set(session.scalars(statement.distinct())))


def is_generated(session: Session, day: dt.date) -> bool:
    return bool(generated_dates(session, day, day))
