"""The schedule rules in plain Python (subscriptions/schedule.py), on worked examples."""

from __future__ import annotations

import datetime as dt

import pytest

from milkrun.subscriptions.schedule import (
    PauseSpan,
    Plan,
    Schedule,
    Terms,
    day_number,
    due,
    due_quantity,
    spans_overlap,
)

TUE = dt.date(2026, 12, 1)  # a Tuesday


def plan(*terms: Terms, start: dt.date = TUE, end: dt.date | None = None) -> Plan:
    return Plan(subscription_id=1, customer_id=10, start_date=start, end_date=end, terms=terms)


def terms(schedule: Schedule, since: dt.date = TUE, anchor: dt.date | None = None) -> Terms:
    return Terms(
        since, product_id=1, shift="morning", schedule=schedule, anchor_date=anchor or since
    )


def days(n: int, start: dt.date = TUE) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def quantities(p: Plan, n: int = 8, **kw: object) -> list[int]:
    return [due_quantity(p, d, **kw) for d in days(n)]  # type: ignore[arg-type]


def test_day_number_counts_from_1970() -> None:
    assert day_number(dt.date(1970, 1, 1)) == 0
    assert day_number(dt.date(1970, 1, 31)) == 30
    assert day_number(TUE) - day_number(TUE - dt.timedelta(days=7)) == 7


def test_daily_alternate_every_n_count_from_the_start_date() -> None:
    assert quantities(plan(terms(Schedule.daily(2)))) == [2] * 8
    assert quantities(plan(terms(Schedule.alternate_days(1)))) == [1, 0, 1, 0, 1, 0, 1, 0]
    assert quantities(plan(terms(Schedule.every_n_days(3, 4)))) == [4, 0, 0, 4, 0, 0, 4, 0]


def test_weekdays_deliver_the_quantity_of_each_weekday() -> None:
    weekly = Schedule.weekdays({"tue": 1, "wed": 3, "sun": 2})
    # Tue Wed Thu Fri Sat Sun Mon Tue
    assert quantities(plan(terms(weekly))) == [1, 3, 0, 0, 0, 2, 0, 1]


def test_nothing_outside_start_and_end() -> None:
    p = plan(terms(Schedule.daily(1)), start=TUE, end=TUE + dt.timedelta(days=2))
    assert due_quantity(p, TUE - dt.timedelta(days=1)) == 0
    assert quantities(p, 5) == [1, 1, 1, 0, 0]


def test_a_future_change_leaves_the_days_before_it() -> None:
    change = TUE + dt.timedelta(days=3)
    p = plan(terms(Schedule.daily(1)), terms(Schedule.alternate_days(5), since=change))
    assert quantities(p) == [1, 1, 1, 5, 0, 5, 0, 5]


def test_a_changed_rhythm_counts_from_its_anchor() -> None:
    """Every-3-days from Tue; a quantity change on Thu keeps the Tue rhythm (anchor Tue)."""
    thu = TUE + dt.timedelta(days=2)
    p = plan(
        terms(Schedule.every_n_days(3, 1)),
        terms(Schedule.every_n_days(3, 2), since=thu, anchor=TUE),
    )
    assert quantities(p) == [1, 0, 0, 2, 0, 0, 2, 0]


def test_pause_of_the_subscription_or_of_the_customer() -> None:
    p = plan(terms(Schedule.daily(1)))
    wed, thu = TUE + dt.timedelta(days=1), TUE + dt.timedelta(days=2)
    own = PauseSpan(customer_id=10, subscription_id=1, start_date=wed, end_date=thu)
    everything = PauseSpan(customer_id=10, subscription_id=None, start_date=thu, end_date=None)
    other_sub = PauseSpan(customer_id=10, subscription_id=2, start_date=TUE, end_date=None)
    other_customer = PauseSpan(customer_id=11, subscription_id=None, start_date=TUE, end_date=None)
    assert quantities(p, 4, pauses=[own]) == [1, 0, 0, 1]
    assert quantities(p, 4, pauses=[everything]) == [1, 1, 0, 0]
    assert quantities(p, 4, pauses=[other_sub, other_customer]) == [1, 1, 1, 1]


def test_override_sets_the_day_even_off_schedule_and_zero_skips() -> None:
    p = plan(terms(Schedule.alternate_days(1)))
    wed, thu = TUE + dt.timedelta(days=1), TUE + dt.timedelta(days=2)
    assert quantities(p, 3, overrides={wed: 3, thu: 0}) == [1, 3, 0]


def test_a_pause_wins_over_an_override() -> None:
    p = plan(terms(Schedule.daily(1)))
    pause = PauseSpan(customer_id=10, subscription_id=None, start_date=TUE, end_date=TUE)
    assert due_quantity(p, TUE, pauses=[pause], overrides={TUE: 4}) == 0


def test_an_override_outside_the_subscription_delivers_nothing() -> None:
    p = plan(terms(Schedule.daily(1)), end=TUE)
    wed = TUE + dt.timedelta(days=1)
    assert due_quantity(p, wed, overrides={wed: 2}) == 0


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((1, 3), (4, 5), False),
        ((1, 3), (3, 5), True),
        ((1, None), (40, 41), True),
        ((5, 6), (1, None), True),
        ((5, 6), (1, 4), False),
        ((1, None), (2, None), True),
    ],
)
def test_spans_overlap(a: tuple[int, int | None], b: tuple[int, int | None], overlap: bool) -> None:
    def span(x: tuple[int, int | None]) -> tuple[dt.date, dt.date | None]:
        start = TUE + dt.timedelta(days=x[0])
        return start, (TUE + dt.timedelta(days=x[1]) if x[1] is not None else None)

    assert spans_overlap(*span(a), *span(b)) is overlap


def test_due_says_what_comes_and_why() -> None:
    """The day's answer a page shows: the quantity, the schedule's, the override, the pause."""
    p = plan(terms(Schedule.alternate_days(2)), end=TUE + dt.timedelta(days=9))
    wed, thu, fri, _sat, sun = days(5, TUE + dt.timedelta(days=1))
    overrides = {wed: 1, thu: 0, fri: 3}
    pauses = [PauseSpan(customer_id=10, subscription_id=None, start_date=fri, end_date=sun)]

    assert due(p, TUE - dt.timedelta(days=1)) is None  # before the start
    assert due(p, TUE + dt.timedelta(days=10)) is None  # after the end
    plain = due(p, TUE, pauses=pauses, overrides=overrides)
    assert plain is not None
    assert (plain.quantity, plain.usual, plain.overridden, plain.paused) == (2, 2, False, False)
    extra = due(p, wed, pauses=pauses, overrides=overrides)  # no delivery day, one ordered
    assert extra is not None
    assert (extra.quantity, extra.usual, extra.overridden, extra.skipped) == (1, 0, True, False)
    skipped = due(p, thu, pauses=pauses, overrides=overrides)
    assert skipped is not None
    assert (skipped.quantity, skipped.usual, skipped.skipped, skipped.held_back) == (
        0,
        2,
        True,
        False,
    )
    paused = due(p, fri, pauses=pauses, overrides=overrides)  # a pause wins over an override
    assert paused is not None
    assert (paused.quantity, paused.override, paused.paused, paused.held_back) == (0, 3, True, True)
    assert not paused.skipped
    quiet = due(p, sun, pauses=pauses, overrides=overrides)  # paused, nothing was due anyway
    assert quiet is not None
    assert (quiet.paused, quiet.held_back) == (True, False)
    for day in days(12, TUE - dt.timedelta(days=1)):
        found = due(p, day, pauses=pauses, overrides=overrides)
        quantity = due_quantity(p, day, pauses=pauses, overrides=overrides)
        assert quantity == (found.quantity if found else 0)
