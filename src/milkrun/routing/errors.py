"""The refusals about routes and who walks them, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NamedInBody, NotFound


class RouteNotFound(NotFound):
    """No route has this id."""

    code = "route_not_found"


class UnknownRoute(NamedInBody):
    """The route named in the request does not exist or is no longer active."""

    code = RouteNotFound.code


class RouteNameTaken(Conflict):
    """Another route already has this name."""

    code = "route_name_taken"


class NotADeliveryBoy(InvalidInput):
    """The user is not an active delivery boy."""

    code = "not_a_delivery_boy"


class SubstituteNotFound(NotFound):
    """The route has no substitute on that date."""

    code = "substitute_not_found"
