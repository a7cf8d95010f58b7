"""The refusals about customers, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, Forbidden, InvalidInput, NamedInBody, NotFound


class CustomerNotFound(NotFound):
    """No customer has this id, or the caller may not act for it: another customer's records
    are answered as if they did not exist, so that ids do not reveal who is a customer."""

    code = "customer_not_found"

    def __init__(self, customer_id: object) -> None:
        super().__init__(f"There is no customer {customer_id}")


class UnknownCustomer(NamedInBody):
    """The customer named in the request does not exist."""

    code = CustomerNotFound.code

    def __init__(self, customer_id: object) -> None:
        super().__init__(f"There is no customer {customer_id}")


class PhoneTaken(Conflict):
    """Another active customer already has this phone."""

    code = "phone_taken"


class DuplicateStops(InvalidInput):
    """A stop order lists a customer more than once."""

    code = "duplicate_stops"


class CustomerNotOnRoute(InvalidInput):
    """A stop order lists customers who are not active customers of the route."""

    code = "customer_not_on_route"


class StopsIncomplete(InvalidInput):
    """A stop order leaves out active customers of the route."""

    code = "stops_incomplete"


class InvalidPosition(InvalidInput):
    """Stop numbers start at 1."""

    code = "invalid_position"


class NoProposedLocation(Conflict):
    """The customer has no proposed location waiting for approval."""

    code = "no_proposed_location"


class StopNotInScope(Forbidden):
    """A delivery boy proposes locations only for the stops of the routes he walks today."""

    code = "stop_not_in_scope"


class InvalidLocation(InvalidInput):
    """A location needs both its latitude and its longitude."""

    code = "invalid_location"


class UnknownLanguage(InvalidInput):
    """A language milkrun does not speak (en, hi and kn)."""

    code = "unknown_language"
