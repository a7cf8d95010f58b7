"""What the reports refuse: a period they cannot show."""

from __future__ import annotations

from milkrun.errors import InvalidInput


class InvalidRange(InvalidInput):
    """A period whose last day or month comes before its first."""

    code = "invalid_range"


class PeriodTooLong(InvalidInput):
    """A report covers at most so many days or months."""

    code = "range_too_long"
