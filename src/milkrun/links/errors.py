"""The refusals of shared delivery links, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Gone, InvalidInput, NotFound, TooManyRequests


class LinkNotFound(NotFound):
    """No shared delivery link has this id or token."""

    code = "link_not_found"


class LinkRevoked(Gone):
    """The dairy switched the link off."""

    code = "link_revoked"


class LinkExpired(Gone):
    """The link's time is over."""

    code = "link_expired"


class AdminRequired(InvalidInput):
    """Only an admin login creates a shared link (a delivery link or a bill link)."""

    code = "admin_required"


class LinkWouldBeExpired(InvalidInput):
    """The expiry asked for has already passed."""

    code = "link_would_be_expired"


class LinkExpiryTooLate(InvalidInput):
    """A link works at the latest until the end of the day after its date."""

    code = "link_expiry_too_late"


class LinkThrottled(TooManyRequests):
    """Too many wrong link tokens from one network: it is held off for a while."""

    code = "link_throttled"
