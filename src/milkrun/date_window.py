"""The business's dates: which dates a dairy can mean, in one place.

Deliveries (orders, subscriptions, pauses, prices, shared links, legacy imports) fall within
``YEARS`` years of today: a dairy plans and looks back a few years, never to year 1 or 9999,
which only a typo or an attacker sends and which some date arithmetic cannot even compute.
Anything else is refused with 400 ``date_out_of_window`` and the window in words. A payment is
received within the window's past and not in the future beyond ``CLOCK_SKEW`` (a phone whose
clock runs fast); the payments domain refuses the future itself (``received_in_future``).

Dates are also parsed strictly: ``YYYY-MM-DD`` and nothing else ("2026-12-07T00:00:00" is a
time, not a date; ``0`` is not 1970-01-01).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from milkrun import clock
from milkrun.errors import InvalidInput

YEARS = 5
CLOCK_SKEW = dt.timedelta(minutes=5)
OUT_OF_WINDOW = "date_out_of_window"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateOutOfWindow(InvalidInput):
    code = OUT_OF_WINDOW
    title = "Date out of range"


def window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last delivery date the business accepts today."""
    today = today or clock.now().date()
    first = today.replace(year=today.year - YEARS, day=min(today.day, 28))
    last = today.replace(year=today.year + YEARS, day=min(today.day, 28))
    return first, last


def out_of_window(value: dt.date, field: str = "date") -> str | None:
    """Why ``value`` is not a business date, or None if it is."""
    first, last = window()
    if first <= value <= last:
        return None
    return f"{field} {value.isoformat()} is out of range: dates run from {first} to {last}"


def check(value: dt.date, field: str = "date") -> dt.date:
    """``value``, if it is a business date; else 400 date_out_of_window."""
    problem = out_of_window(value, field)
    if problem is not None:
        raise DateOutOfWindow(problem)
    return value


def received_too_early(value: dt.datetime) -> str | None:
    """Why a payment's time is before the window, or None. (A time in the future beyond
    ``CLOCK_SKEW`` is the payments domain's refusal, ``received_in_future``.)"""
    first, _ = window()
    if value.date() >= first:
        return None
    return f"the time {value.isoformat()} is out of range: payments are received from {first} on"


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "a date is YYYY-MM-DD, not a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "a date is YYYY-MM-DD, e.g. 2026-12-07")


def _in_window(value: dt.date) -> dt.date:
    problem = out_of_window(value, "the date")
    if problem is not None:
        raise PydanticCustomError(OUT_OF_WINDOW, problem)
    return value


def _received_in_window(value: dt.datetime) -> dt.datetime:
    problem = received_too_early(value)
    if problem is not None:
        raise PydanticCustomError(OUT_OF_WINDOW, problem)
    return value


# A date in a request (body, query or form): strictly YYYY-MM-DD, within the window (else 400).
BusinessDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_window)]
# When a payment was received (an aware time): not before the window.
ReceivedAt = AfterValidator(_received_in_window)
