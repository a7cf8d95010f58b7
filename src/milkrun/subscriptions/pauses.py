"""Pauses (vacations) and resuming: no deliveries of one subscription, or of all of a
customer's, from a date to a date or until resumed.

Each use case checks the cut-off window, writes, and returns the ``Change`` it made; the orders
of the dates it affects are re-synced and its audit event written above (``bookkeeping``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.cutoff import Window
from milkrun.subscriptions import bookkeeping, queries
from milkrun.subscriptions.bookkeeping import Affected, Change, Deliveries, Event
from milkrun.subscriptions.errors import PauseOverlaps, PauseStarted
from milkrun.subscriptions.models import Pause
from milkrun.subscriptions.schemas import PauseCreate, PauseUpdate


@dataclass(frozen=True)
class PauseOptions:
    """What a caller may still do with a pause, under its cut-off window (the rules that
    ``update_pause`` and ``delete_pause`` enforce, asked ahead so that a page offers only those)."""

    on_now: bool  # the pause has begun
    can_resume: bool  # it is open-ended, or its last day is still open: its end can move
    resume_from: dt.date  # the first day deliveries may start again: open, after its start
    can_call_off: bool  # it has not begun, and its first day is still open


def options(pause: Pause, window: Window) -> PauseOptions:
    earliest = max(window.earliest, window.today)
    return PauseOptions(
        on_now=pause.start_date <= window.today,
        can_resume=pause.end_date is None or pause.end_date >= earliest,
        resume_from=max(earliest, pause.start_date + bookkeeping.ONE_DAY),
        can_call_off=pause.start_date >= earliest,
    )


def _lock_customer(session: Session, customer_id: int) -> None:
    """Serialize pause changes of one customer (PostgreSQL; SQLite writers are serialized)."""
    session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())


def _ensure_no_overlap(
    session: Session,
    *,
    customer_id: int,
    subscription_id: int | None,
    start_date: dt.date,
    end_date: dt.date | None,
    except_id: int | None = None,
) -> None:
    clash = queries.overlapping_pause(
        session,
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=start_date,
        end_date=end_date,
        except_id=except_id,
    )
    if clash is not None:
        what = "all deliveries" if clash.subscription_id is None else "this subscription"
        until = f"to {clash.end_date}" if clash.end_date else "until resumed"
        raise PauseOverlaps(
            f"Pause {clash.id} of {what} already covers {clash.start_date} {until};"
            " change that pause instead",
        )


def _paused(pause: Pause) -> Deliveries:
    if pause.subscription_id is None:
        return Deliveries(customer_id=pause.customer_id)
    return Deliveries(subscription_ids=(pause.subscription_id,))


def create_pause_unsynced(
    session: Session,
    data: PauseCreate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int,
    subscription_id: int | None = None,
) -> Change[Pause]:
    """Pause one subscription, or (``subscription_id`` None) all of the customer's, from a date
    still open to the caller; pauses of the same deliveries never overlap."""
    customer_queries.get_customer(session, customer_id)
    if subscription_id is not None:
        queries.get_subscription(session, subscription_id, customer_id=customer_id)
    bookkeeping.ensure_span(data.start_date, data.end_date)
    window.ensure_open(data.start_date)
    _lock_customer(session, customer_id)
    _ensure_no_overlap(
        session,
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    pause = Pause(
        customer_id=customer_id,
        subscription_id=subscription_id,
        start_date=data.start_date,
        end_date=data.end_date,
        reason=data.reason.strip() if data.reason else None,
        created_by_user_id=actor.user_id,
    )
    session.add(pause)
    session.flush()
    event = Event(
        "pause.create",
        "pause",
        pause.id,
        customer_id=customer_id,
        first_affected=pause.start_date,
        before=None,
        after=audit.snapshot(pause),
    )
    return Change(pause, event, Affected(_paused(pause), pause.start_date, pause.end_date))


def update_pause_unsynced(
    session: Session,
    pause_id: int,
    data: PauseUpdate,
    actor: audit.Actor,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Change[Pause]:
    """Change a pause; resuming is setting ``end_date`` (the last day without deliveries).
    Every day whose deliveries the change turns on or off must be open to the caller."""
    pause = queries.get_pause(session, pause_id, customer_id=customer_id)
    before = audit.snapshot(pause)
    changes = data.changes()
    new_start = changes.get("start_date", pause.start_date)
    new_end = changes.get("end_date", pause.end_date)
    bookkeeping.ensure_span(new_start, new_end)
    affected: list[dt.date] = []
    if new_start != pause.start_date:
        affected.append(min(new_start, pause.start_date))
    if new_end != pause.end_date:
        affected.append(
            min(d for d in (new_end, pause.end_date) if d is not None) + bookkeeping.ONE_DAY
        )
    for day in affected:
        window.ensure_open(day)
    _lock_customer(session, pause.customer_id)
    _ensure_no_overlap(
        session,
        customer_id=pause.customer_id,
        subscription_id=pause.subscription_id,
        start_date=new_start,
        end_date=new_end,
        except_id=pause.id,
    )
    pause.start_date = new_start
    pause.end_date = new_end
    if "reason" in changes:
        pause.reason = changes["reason"].strip() if changes["reason"] else None
    session.flush()
    first = min(affected) if affected else window.today
    event = Event(
        "pause.update",
        "pause",
        pause.id,
        customer_id=pause.customer_id,
        first_affected=first,
        before=before,
        after=audit.snapshot(pause),
    )
    return Change(pause, event, Affected(_paused(pause), first) if affected else None)


def delete_pause_unsynced(
    session: Session,
    pause_id: int,
    window: Window,
    *,
    customer_id: int | None = None,
) -> Change[None]:
    """Call off a pause that has not started; one that has is resumed by setting its end."""
    pause = queries.get_pause(session, pause_id, customer_id=customer_id)
    if pause.start_date < window.today:
        raise PauseStarted(
            f"Pause {pause.id} started on {pause.start_date}; resume it by setting its end date",
        )
    window.ensure_open(pause.start_date)
    before = audit.snapshot(pause)
    affected = Affected(_paused(pause), pause.start_date, pause.end_date)
    session.delete(pause)
    session.flush()
    event = Event(
        "pause.delete",
        "pause",
        pause_id,
        customer_id=before["customer_id"],
        first_affected=affected.since,
        before=before,
        after=None,
    )
    return Change(None, event, affected)
