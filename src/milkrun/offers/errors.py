"""The refusals about festival offers, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class OfferNotFound(NotFound):
    """No open offer has this id."""

    code = "offer_not_found"


class OfferAlreadyAccepted(Conflict):
    """The customer has already accepted this offer (its order is on the customer's page)."""

    code = "offer_already_accepted"


class OfferTitleRequired(InvalidInput):
    """An offer says what it is (customers read it)."""

    code = "offer_title_required"
