"""The stored reconciliation: the last check of each month, kept so that the owner's page opens
at once instead of re-auditing the whole month on every visit (``reconcile.reconcile`` reads
every order and bill line of the month: seconds at a dairy's size).

A month's check is stored by the billing run, by finalizing the month and after each day close
-- run by their callers once their own transaction has committed, in a unit of work of its own,
so that a failed check never fails the run or the close (it is logged, and the page says how old
its result is) -- and by the owner's "Check again". What was recorded in the audit trail since
(marks, closes, orders, bills, corrections, payments) tells the page that the stored lists may
be out of date. The CLI (``milkrun billing reconcile``) and the API keep checking live."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.audit.models import AuditEvent
from milkrun.billing import reconcile
from milkrun.billing.models import StoredReconciliation
from milkrun.billing.months import check_billable_month, month_start
from milkrun.billing.schemas import Reconciliation
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.deliveries import closing

log = logging.getLogger("milkrun.billing")

# Who stored a check: the owner's button, the billing run, finalizing, a day close.
PAGE, BILLING_RUN, FINALIZE, DAY_CLOSE = "page", "billing.run", "billing.finalize", "day.close"

# The trail's actions that can change a reconciliation, by what the page calls them (its
# prefixes: marks and closes, orders, bills, corrections, payments and wallets).
CHANGES = {
    "delivery.": "deliveries",
    "order.": "orders",
    "orders.": "orders",
    "billing.": "bills",
    "invoice.": "bills",
    "adjustment": "corrections",
    "payment": "payments",
    "wallet.": "payments",
}
# Enough to say "many": the page needs no exact count of a busy morning's marks.
CHANGES_SHOWN = 1000


@dataclass(frozen=True)
class Stored:
    """A month's last check as the page shows it."""

    month: dt.date
    checked_at: dt.datetime
    business_date: dt.date
    trigger: str
    checked_by: str
    took_ms: int
    found: Reconciliation


@dataclass(frozen=True)
class Since:
    """What happened since a stored check: trail events that may change it, counted by kind
    (at most ``CHANGES_SHOWN`` in all), and whether the business date has moved on (more days
    are past, so more orders may be unresolved)."""

    changes: dict[str, int]
    more: bool
    new_day: bool

    @property
    def total(self) -> int:
        return sum(self.changes.values())

    @property
    def out_of_date(self) -> bool:
        return self.total > 0 or self.new_day


def check(
    session: Session, month: dt.date, actor: audit.Actor, trigger: str, *, today: dt.date
) -> Stored:
    """Reconcile ``month`` now (``reconcile.reconcile``: refused, changing nothing, for a month
    not begun) and store the answer as the month's last check, replacing the one before."""
    started = time.perf_counter()
    found = reconcile.reconcile(session, month, today=today)
    took_ms = round((time.perf_counter() - started) * 1000)
    first = month_start(month)
    checked_at, checked_by = clock.now(), actor.label[:160]
    values: dict[str, object] = {
        "checked_at": checked_at,
        "business_date": today,
        "trigger": trigger,
        "checked_by": checked_by,
        "actor_user_id": actor.user_id,
        "is_clean": found.clean,
        "took_ms": took_ms,
        "result": found.model_dump(mode="json"),
    }
    if not _replace(session, first, values):
        try:
            with session.begin_nested():
                session.add(StoredReconciliation(month=first, **values))
        except IntegrityError:  # stored meanwhile by a concurrent check: this one is newer
            _replace(session, first, values)
    session.flush()
    return Stored(
        month=first,
        checked_at=checked_at,
        business_date=today,
        trigger=trigger,
        checked_by=checked_by,
        took_ms=took_ms,
        found=found,
    )


def _replace(session: Session, month: dt.date, values: dict[str, object]) -> bool:
    replaced = session.execute(
        update(StoredReconciliation)
        .where(StoredReconciliation.month == month)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(replaced.rowcount)  # type: ignore[attr-defined]


def last(session: Session, month: dt.date) -> Stored | None:
    """The month's last stored check, or None when it was never checked."""
    row = session.get(StoredReconciliation, month_start(month))
    if row is None:
        return None
    return Stored(
        month=row.month,
        checked_at=row.checked_at,
        business_date=row.business_date,
        trigger=row.trigger,
        checked_by=row.checked_by,
        took_ms=row.took_ms,
        found=Reconciliation.model_validate(row.result),
    )


def since(session: Session, stored: Stored, today: dt.date) -> Since:
    """What may have changed the month's answer since ``stored`` was checked (one indexed read
    of the trail after its time, at most ``CHANGES_SHOWN`` rows)."""
    actions = session.scalars(
        select(AuditEvent.action)
        .where(
            AuditEvent.occurred_at > stored.checked_at,
            or_(*(AuditEvent.action.startswith(prefix) for prefix in CHANGES)),
        )
        .limit(CHANGES_SHOWN + 1)
    ).all()
    changes: dict[str, int] = {}
    for action in actions[:CHANGES_SHOWN]:
        kind = next(kind for prefix, kind in CHANGES.items() if action.startswith(prefix))
        changes[kind] = changes.get(kind, 0) + 1
    return Since(
        changes=changes,
        more=len(actions) > CHANGES_SHOWN,
        new_day=today > stored.business_date,
    )


def refresh(
    database: Database,
    months: Iterable[dt.date],
    actor: audit.Actor,
    trigger: str,
    settings: Settings,
) -> None:
    """Check and store each month of ``months``, each in its own unit of work, after the caller's
    own has committed. Never raises: a failure is logged and the page keeps the older result
    (saying how old it is); the run or close that asked has already succeeded."""
    today = clock.today(settings.zone)
    for month in sorted({month_start(m) for m in months}):
        refresh_month(database, month, actor, trigger, today=today)


def refresh_month(
    database: Database, month: dt.date, actor: audit.Actor, trigger: str, *, today: dt.date
) -> Stored | None:
    """``check`` in a unit of work of its own; None (logged) when it failed."""
    try:
        with database.session_scope(write=True) as session:
            return check(session, month, actor, trigger, today=today)
    except Exception:  # the caller's work is done; a stale page is the lesser harm
        log.exception("the reconciliation of %s was not stored (%s)", month, trigger)
        return None


def shown(
    session: Session,
    database: Database,
    month: dt.date,
    actor: audit.Actor,
    *,
    today: dt.date,
) -> Stored:
    """The month's check as the owner's page shows it: the last one stored; a month never
    checked is checked now and stored (in a unit of work of its own: the visit only reads), or,
    when that fails (logged), checked live and shown unstored. Refused for a month not begun."""
    check_billable_month(month, today)
    stored = last(session, month)
    if stored is None:
        stored = refresh_month(database, month, actor, PAGE, today=today)
    if stored is None:
        found = reconcile.reconcile(session, month, today=today)
        stored = Stored(
            month=month,
            checked_at=clock.now(),
            business_date=today,
            trigger=PAGE,
            checked_by=actor.label,
            took_ms=0,
            found=found,
        )
    return stored


def close_days_and_check(
    database: Database, settings: Settings, trigger: str = "scheduler"
) -> list[closing.Closed]:
    """The scheduler's day-close job: close every day that is due (``closing.catch_up``, one
    transaction per day), then store the reconciliation of the months of the closed days."""
    closed = closing.catch_up(database, settings, trigger)
    if closed:
        refresh(
            database,
            (c.record.delivery_date for c in closed),
            closing.system_actor("scheduler"),
            DAY_CLOSE,
            settings,
        )
    return closed
