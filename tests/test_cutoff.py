"""The cut-off rule: until 22:00 local on D−1 (configurable) customers may change D."""

from __future__ import annotations

import datetime as dt

import pytest

from milkrun import clock, cutoff
from milkrun.config import Settings
from milkrun.errors import Conflict
from tests.order_book import TODAY, TOMORROW, day, local


@pytest.mark.parametrize(
    ("at", "first_open"),
    [
        (local(TODAY, 0, 1), day(1)),
        (local(TODAY, 21, 59), day(1)),
        (local(TODAY, 22, 0), day(2)),
        (local(TODAY, 23, 59), day(2)),
        (local(TOMORROW, 0, 0), day(2)),
    ],
)
def test_first_open_date(settings: Settings, at: dt.datetime, first_open: dt.date) -> None:
    assert cutoff.first_open_date(settings, at) == first_open


def test_cutoff_time_and_zone_come_from_settings(settings: Settings) -> None:
    early = settings.model_copy(update={"cutoff_time": dt.time(18, 30)})
    assert cutoff.cutoff_at(TOMORROW, early) == local(TODAY, 18, 30)
    assert cutoff.first_open_date(early, local(TODAY, 18, 30)) == day(2)
    london = settings.model_copy(update={"timezone": "Europe/London"})
    # 22:00 in London is 03:30 the next morning in Bengaluru.
    assert cutoff.cutoff_at(TOMORROW, london) == local(TOMORROW, 3, 30)


def test_customers_are_refused_with_the_time_of_the_cutoff(settings: Settings) -> None:
    clock.freeze(local(TODAY, 22, 5))
    window = cutoff.for_customer(settings)
    window.ensure_open(day(2))
    with pytest.raises(Conflict) as caught:
        window.ensure_open(TOMORROW)
    assert caught.value.code == "cutoff_passed"
    assert caught.value.detail == (
        "Changes for Wed 02 Dec 2026 closed at 22:00 on Tue 01 Dec (Asia/Kolkata); "
        "the earliest date you can still change is Thu 03 Dec 2026"
    )


def test_staff_may_change_today_and_later_and_it_counts_as_late(settings: Settings) -> None:
    clock.freeze(local(TODAY, 22, 5))
    window = cutoff.for_staff(settings)
    window.ensure_open(TODAY)
    window.ensure_open(TOMORROW)
    assert window.is_late(TOMORROW)
    assert not window.is_late(day(2))
    with pytest.raises(Conflict) as caught:
        window.ensure_open(day(-1))
    assert caught.value.code == "date_in_past"


def test_history_has_no_lower_bound(settings: Settings) -> None:
    clock.freeze(local(TODAY, 10))
    cutoff.for_history(settings).ensure_open(dt.date(2020, 1, 1))
