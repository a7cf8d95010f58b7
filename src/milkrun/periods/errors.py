from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class DayNotOver(Conflict):
    """A delivery day is closed only once it is over."""

    code = "day_not_over"


class MonthNotClosable(Conflict):
    """A month is finalized only after its last day has closed and nothing in it is unresolved."""

    code = "month_not_closed"


class MonthClosed(Conflict):
    """A finalized month takes no new bill and no new order."""

    code = "month_closed"


class DayNotClosed(NotFound):
    code = "day_not_closed"


class PastReasonRequired(InvalidInput):
    """Generating the orders of a past date is audited with the reason for it."""

    code = "past_reason_required"
