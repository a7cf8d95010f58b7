"""What a customer may still do with a pause, asked of the domain ahead of the forms: resume it
from a day still open after its start, or call off one whose first day is still open."""

from __future__ import annotations

import datetime as dt

import pytest

from milkrun import cutoff
from milkrun.config import Settings
from milkrun.subscriptions.models import Pause
from milkrun.subscriptions.pauses import PauseOptions, options

TODAY = dt.date(2026, 12, 7)
ONE_DAY = dt.timedelta(days=1)
# Before the cut-off tomorrow is still open to the customer; after it, the day after.
EARLY = cutoff.Window(TODAY, TODAY + ONE_DAY, TODAY + ONE_DAY, True, Settings(env="test"))
LATE = cutoff.Window(TODAY, TODAY + 2 * ONE_DAY, TODAY + 2 * ONE_DAY, True, Settings(env="test"))


def _pause(start: int, end: int | None) -> Pause:
    return Pause(
        start_date=TODAY + start * ONE_DAY,
        end_date=None if end is None else TODAY + end * ONE_DAY,
    )


@pytest.mark.parametrize(
    ("window", "start", "end", "expected"),
    [
        # Began yesterday, open-ended: resume from tomorrow; too late to call off.
        (EARLY, -1, None, (True, True, 1, False)),
        # Starts tomorrow: call it off, or resume from the day after its start.
        (EARLY, 1, 3, (False, True, 2, True)),
        (LATE, 1, 3, (False, True, 2, False)),
        # Ended yesterday: nothing left to change.
        (EARLY, -5, -1, (True, False, 1, False)),
        # Its last day is the first open one: it can still be cut short.
        (LATE, -3, 2, (True, True, 2, False)),
    ],
)
def test_the_options_of_a_pause(
    window: cutoff.Window, start: int, end: int | None, expected: tuple[bool, bool, int, bool]
) -> None:
    on_now, can_resume, resume_from, can_call_off = expected
    assert options(_pause(start, end), window) == PauseOptions(
        on_now=on_now,
        can_resume=can_resume,
        resume_from=TODAY + resume_from * ONE_DAY,
        can_call_off=can_call_off,
    )
