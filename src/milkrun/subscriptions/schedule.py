"""What is due on a date: the subscription rules in plain Python, no database.

This is the statement of the rules that the set-based SQL of ``milkrun.orders.due`` must
agree with (a property test compares the two), and what the customer's "upcoming orders" use
for dates not yet materialized.

On a date D a subscription delivers

1. nothing outside its start and end dates;
2. nothing when a pause covers D (a pause of this subscription or of all of the customer's);
3. otherwise the override's quantity for D when there is one (0 = skip the day), whether or
   not the schedule delivers on D;
4. otherwise what the terms in force on D (latest ``effective_from`` on or before D) say:
   ``daily`` / ``alternate_days`` / ``every_n_days`` deliver ``quantity`` when the number of days
   between the anchor date and D is a multiple of the interval (1, 2, n); ``weekdays`` delivers
   the quantity given for D's weekday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from milkrun.subscriptions.models import WEEKDAYS, ScheduleKind

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: what ``subscription_terms.anchor_day`` stores."""
    return (day - EPOCH).days


@dataclass(frozen=True)
class Schedule:
    """One schedule: ``quantity`` every ``interval_days`` days from the anchor, or (weekdays) a
    quantity per weekday, Monday first."""

    kind: ScheduleKind
    quantity: int | None = None
    interval_days: int = 1
    weekday_quantities: tuple[int, ...] | None = None

    @classmethod
    def daily(cls, quantity: int) -> Schedule:
        return cls(ScheduleKind.daily, quantity, 1)

    @classmethod
    def alternate_days(cls, quantity: int) -> Schedule:
        return cls(ScheduleKind.alternate_days, quantity, 2)

    @classmethod
    def every_n_days(cls, n: int, quantity: int) -> Schedule:
        return cls(ScheduleKind.every_n_days, quantity, n)

    @classmethod
    def weekdays(cls, quantities: Mapping[str, int]) -> Schedule:
        return cls(
            ScheduleKind.weekdays,
            None,
            1,
            tuple(int(quantities.get(day, 0)) for day in WEEKDAYS),
        )

    def quantity_on(self, day: dt.date, anchor: dt.date) -> int:
        """The scheduled quantity on ``day`` (0: not a delivery day), for a rhythm counted from
        ``anchor``. Days before the anchor are never delivery days."""
        if day < anchor:
            return 0
        if self.kind == ScheduleKind.weekdays:
            assert self.weekday_quantities is not None
            return self.weekday_quantities[day.weekday()]
        assert self.quantity is not None
        return self.quantity if (day - anchor).days % self.interval_days == 0 else 0


@dataclass(frozen=True)
class Terms:
    """Product, shift and schedule in force from ``effective_from``; the rhythm counts from
    ``anchor_date`` (the start date, or the date the schedule was last changed)."""

    effective_from: dt.date
    product_id: int
    shift: str
    schedule: Schedule
    anchor_date: dt.date


@dataclass(frozen=True)
class Plan:
    """A subscription as the rules see it: its dates and its terms, oldest first."""

    subscription_id: int
    customer_id: int
    start_date: dt.date
    end_date: dt.date | None
    terms: tuple[Terms, ...]

    def runs_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def terms_on(self, day: dt.date) -> Terms | None:
        """The terms with the latest ``effective_from`` on or before ``day``."""
        current = None
        for terms in self.terms:
            if terms.effective_from <= day and (
                current is None or terms.effective_from > current.effective_from
            ):
                current = terms
        return current


@dataclass(frozen=True)
class PauseSpan:
    """A pause: ``subscription_id`` None pauses all of the customer's subscriptions."""

    customer_id: int
    subscription_id: int | None
    start_date: dt.date
    end_date: dt.date | None

    def covers(self, plan: Plan, day: dt.date) -> bool:
        return (
            self.customer_id == plan.customer_id
            and self.subscription_id in (None, plan.subscription_id)
            and self.start_date <= day
            and (self.end_date is None or day <= self.end_date)
        )


@dataclass(frozen=True)
class Due:
    """What a running subscription delivers on a day, and why (the module rules, steps 2-4)."""

    terms: Terms  # the terms in force on the day
    quantity: int  # what comes: 0 when paused, else the override's, else the schedule's
    usual: int  # what the schedule alone says for the day
    override: int | None  # the quantity the customer set for the day, if any
    paused: bool  # a pause covers the day (it wins over an override)

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def skipped(self) -> bool:
        """An override of 0 took away a delivery the schedule had (and no pause did first)."""
        return not self.paused and self.override == 0 and self.usual > 0

    @property
    def held_back(self) -> bool:
        """A pause took away a delivery the schedule or an override had."""
        return self.paused and bool(self.usual or self.override)


def due(
    plan: Plan,
    day: dt.date,
    *,
    pauses: Iterable[PauseSpan] = (),
    overrides: Mapping[dt.date, int] | None = None,
) -> Due | None:
    """What the subscription delivers on ``day`` and why; None on a day it does not run (outside
    its dates, or before its first terms)."""
    if not plan.runs_on(day):
        return None
    terms = plan.terms_on(day)
    if terms is None:
        return None
    usual = terms.schedule.quantity_on(day, terms.anchor_date)
    override = overrides.get(day) if overrides is not None else None
    paused = any(pause.covers(plan, day) for pause in pauses)
    quantity = 0 if paused else usual if override is None else override
    return Due(terms, quantity, usual, override, paused)


def due_quantity(
    plan: Plan,
    day: dt.date,
    *,
    pauses: Iterable[PauseSpan] = (),
    overrides: Mapping[dt.date, int] | None = None,
) -> int:
    """How many units the subscription delivers on ``day`` (0: nothing); see the module rules."""
    found = due(plan, day, pauses=pauses, overrides=overrides)
    return found.quantity if found is not None else 0


def spans_overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """Whether two date ranges (None: open-ended) share a day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def dates(start: dt.date, days: int) -> Sequence[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(days)]
