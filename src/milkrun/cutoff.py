"""The cut-off: until when a delivery date may still be changed, and by whom.

The rule, in one place: a customer may change what is delivered on date D (pause, override,
subscription change, one-time order) until the cut-off, ``settings.cutoff_time`` (default 22:00)
in the dairy's zone on D−1. After it D is locked for customers (409 ``cutoff_passed``). Staff may
still change any date from today on; such a late change is flagged in its audit event. Nobody
changes a date before today through these use cases: that is history. Seeding and imports use
the ``history`` window, which has no lower bound.

Below every domain (it knows only the clock and the settings): subscriptions, pauses, overrides
and one-time orders all check it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from milkrun import clock
from milkrun.config import Settings
from milkrun.errors import Conflict, InvalidInput


class CutoffPassed(Conflict):
    """The customers' cut-off for the date has passed."""

    code = "cutoff_passed"


class DateInPast(Conflict):
    """A date before today is history: nobody changes it."""

    code = "date_in_past"


def cutoff_at(day: dt.date, settings: Settings) -> dt.datetime:
    """The instant after which customers can no longer change ``day``."""
    return dt.datetime.combine(day - dt.timedelta(days=1), settings.cutoff_time, settings.zone)


def first_open_date(settings: Settings, now: dt.datetime | None = None) -> dt.date:
    """The first delivery date whose cut-off has not passed at ``now``."""
    now = now or clock.now()
    day = now.astimezone(settings.zone).date()
    while cutoff_at(day, settings) <= now:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Window:
    """The delivery dates a caller may change: from ``earliest`` on.

    ``first_open`` is the customers' first changeable date; a change by staff to a date before
    it is a change after the cut-off (``is_late``).
    """

    today: dt.date
    first_open: dt.date
    earliest: dt.date
    is_customer: bool
    settings: Settings
    # Staff at the console say why they change a day already locked for customers: with
    # ``reason_required`` such a change without a ``reason`` is refused; the reason is audited.
    reason: str | None = None
    reason_required: bool = False

    def with_reason(self, reason: str | None) -> Window:
        """This window, for a change whose late days need a reason (``reason``, if given)."""
        return replace(self, reason=(reason or "").strip() or None, reason_required=True)

    def ensure_open(self, day: dt.date) -> None:
        """Refuse a change to ``day`` that this caller may no longer make."""
        if day >= self.earliest:
            if self.reason_required and self.reason is None and self.is_late(day):
                raise LateReasonRequired(
                    f"{day:%a %d %b %Y} is past the customers' cut-off: say why it is changed"
                )
            return
        if self.is_customer:
            closed = cutoff_at(day, self.settings)
            raise CutoffPassed(
                f"Changes for {day:%a %d %b %Y} closed at {closed:%H:%M} on {closed:%a %d %b}"
                f" ({self.settings.timezone}); the earliest date you can still change is"
                f" {self.first_open:%a %d %b %Y}",
            )
        raise DateInPast(
            f"{day:%a %d %b %Y} is in the past; only today ({self.today}) and later can be changed",
        )

    def is_late(self, day: dt.date) -> bool:
        """Whether a change to ``day`` comes after the customers' cut-off."""
        return day < self.first_open


def _window(settings: Settings, *, is_customer: bool, history: bool = False) -> Window:
    now = clock.now()
    today = now.astimezone(settings.zone).date()
    first_open = first_open_date(settings, now)
    earliest = dt.date.min if history else first_open if is_customer else today
    return Window(
        today=today,
        first_open=first_open,
        earliest=earliest,
        is_customer=is_customer,
        settings=settings,
    )


def for_customer(settings: Settings) -> Window:
    return _window(settings, is_customer=True)


def for_staff(settings: Settings) -> Window:
    return _window(settings, is_customer=False)


def for_history(settings: Settings) -> Window:
    """No lower bound: for the demo seed and imports of past data."""
    return _window(settings, is_customer=False, history=True)


class LateReasonRequired(InvalidInput):
    """A staff change to a day locked for customers says why (the reason is on the trail)."""

    code = "late_reason_required"
