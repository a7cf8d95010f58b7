"""The refusals about hubs and holidays, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, Forbidden, InvalidInput, NamedInBody, NotFound


class HubNotFound(NotFound):
    """No hub has this id (or it is outside the caller's hub)."""

    code = "hub_not_found"


class HubNameRequired(InvalidInput):
    """A hub has a name."""

    code = "hub_name_required"


class HubNameTaken(Conflict):
    """Another hub already has this name."""

    code = "hub_name_taken"


class HolidayExists(Conflict):
    """That hub (or the whole dairy) already has a holiday on that date."""

    code = "holiday_exists"


class HolidayNotFound(NotFound):
    """No holiday has this id (or it is outside the caller's hub)."""

    code = "holiday_not_found"


class HolidayInPast(Conflict):
    """A holiday is declared for today or a later date, never for a day that is over."""

    code = "holiday_in_past"


class HolidayReasonRequired(InvalidInput):
    """A holiday says why (customers are told)."""

    code = "holiday_reason_required"


class UnknownHub(NamedInBody):
    """The hub named in the request does not exist (or is outside the caller's hub)."""

    code = HubNotFound.code


class HubLimitedAdmin(Forbidden):
    """An admin limited to one hub may not do what spans the hubs (open a hub, limit an admin,
    declare a dairy-wide holiday or offer)."""

    code = "hub_limited_admin"


class NoDeliveryOnHoliday(Conflict):
    """The customer's hub (or the whole dairy) delivers nothing that day."""

    code = "holiday"
