"""Dues reminders: a bill still unpaid some days after its due date is reminded, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.config import Settings
from milkrun.notify import outbox


def remind_dues(session: Session, settings: Settings, *, today: dt.date | None = None) -> int:
    """Write a reminder for every finalized bill with something left to pay whose due date is
    ``MILKRUN_NOTIFY_DUES_REMINDER_DAYS`` days or more behind ``today``; a bill is reminded once
    however often this runs (a missed day is caught up). Returns how many were written."""
    today = today or clock.today(settings.zone)
    latest_due = today - dt.timedelta(days=settings.notify_dues_reminder_days)
    overdue = session.execute(
        select(
            Invoice.id.label("invoice_id"),
            Invoice.customer_id,
            Invoice.number,
            (Invoice.total_paise - Invoice.amount_paid_paise).label("outstanding_paise"),
            Invoice.due_date,
        )
        .where(
            Invoice.status.in_((InvoiceStatus.finalized.value, InvoiceStatus.partially_paid.value)),
            Invoice.due_date <= latest_due,
            Invoice.total_paise > Invoice.amount_paid_paise,
        )
        .order_by(Invoice.id)
    ).all()
    return outbox.dues_reminders(session, overdue)
