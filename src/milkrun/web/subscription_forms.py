"""The subscription forms shared by the owner's console and the customer's page: a schedule
typed on a form (how often, how many), a subscription's new terms from a date, its last day;
read into the API's request schemas (``subscriptions.schemas``) with what they refuse in words.

A form is read whole (``FormValues``) so that a refused one can be shown again as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from milkrun import languages
from milkrun.languages import N_, _
from milkrun.subscriptions.models import WEEKDAYS
from milkrun.subscriptions.schemas import (
    MySubscriptionCreate,
    PauseCreate,
    SubscriptionUpdate,
)
from milkrun.web.errors import CancelBeforeStart
from milkrun.web.forms import form_date, valid_form

ONE_DAY = dt.timedelta(days=1)
KINDS = {
    "daily": N_("Every day"),
    "alternate_days": N_("Every other day"),
    "every_n_days": N_("Every few days"),
    "weekdays": N_("On chosen weekdays"),
}
SUBSCRIPTION_WORDS = {
    "product_id": N_("Choose a product from the list"),
    "shift": N_("Choose morning or evening"),
    "start_date": N_("Choose the first day of deliveries"),
    "end_date": N_("The last day is a date, or empty (no end)"),
    "schedule": N_(
        "How many: a whole number from 1 to 99 (on weekdays, 0 to 99 with at least one"
        " day above 0); every few days: 2 to 365 days"
    ),
    "effective_from": N_("Choose the day the change starts"),
}
PAUSE_WORDS = {
    "start_date": N_("Choose the first day without deliveries"),
    "end_date": N_("The last day without deliveries is a date, or empty (until resumed)"),
    "reason": N_("The note is at most 200 characters"),
}


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


FormValues = Annotated[dict[str, str], Depends(_form_values)]


@dataclass
class Attempt:
    """A refused form (``form`` with the ``key`` of its record), why, and what was typed."""

    form: str = ""
    key: str = ""
    message: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def is_for(self, form: str, key: object = "") -> bool:
        return bool(self.message) and self.form == form and self.key == str(key)

    def value(self, form: str, key: object, name: str, default: object = "") -> str:
        if self.is_for(form, key) and name in self.values:
            return self.values[name]
        return "" if default is None else str(default)


def schedule_of(values: dict[str, str]) -> dict[str, Any]:
    """The ``schedule`` of a request from the form's ``kind``, ``quantity``, ``n`` and
    ``qty_mon`` ... ``qty_sun`` (a weekday left empty gets nothing)."""
    kind = values.get("kind", "daily")
    if kind == "weekdays":
        return {
            "kind": kind,
            "quantities": {day: values.get(f"qty_{day}") or "0" for day in WEEKDAYS},
        }
    schedule: dict[str, Any] = {"kind": kind, "quantity": values.get("quantity", "")}
    if kind == "every_n_days":
        schedule["n"] = values.get("n", "")
    return schedule


def new_subscription(values: dict[str, str]) -> MySubscriptionCreate:
    return valid_form(
        MySubscriptionCreate,
        {
            "product_id": values.get("product_id", ""),
            "shift": values.get("shift") or "morning",
            "start_date": values.get("start_date", ""),
            "end_date": values.get("end_date") or None,
            "schedule": schedule_of(values),
        },
        SUBSCRIPTION_WORDS,
    )


def new_terms(values: dict[str, str]) -> SubscriptionUpdate:
    """New terms from a date: the schedule (and for staff, the product and shift)."""
    data: dict[str, Any] = {
        "effective_from": form_date(
            values.get("effective_from", ""), N_("Choose the day it starts")
        ),
        "schedule": schedule_of(values),
    }
    for name in ("product_id", "shift"):
        if values.get(name):
            data[name] = values[name]
    return valid_form(SubscriptionUpdate, data, SUBSCRIPTION_WORDS)


def last_day(values: dict[str, str], start: dt.date) -> SubscriptionUpdate:
    """Cancelling from a day: the subscription's last day is the day before (a subscription
    that has not started yet ends on its first day's eve: it never delivers)."""
    stop = form_date(values.get("stop_from", ""), N_("Choose the first day without deliveries"))
    if stop <= start:
        starts = languages.day_text(start, "EEE d MMM y")
        raise CancelBeforeStart(
            _("This subscription starts on %(day)s: choose a later day") % {"day": starts}
        )
    return SubscriptionUpdate(end_date=stop - ONE_DAY)


def new_pause(values: dict[str, str]) -> PauseCreate:
    return valid_form(
        PauseCreate,
        {
            "start_date": values.get("start_date", ""),
            "end_date": values.get("end_date") or None,
            "reason": values.get("note") or None,
        },
        PAUSE_WORDS,
    )
