"""The refusals of public bill links, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, Gone, NotFound


class BillLinkNotFound(NotFound):
    """No bill link has this id (for this bill) or this token."""

    code = "bill_link_not_found"


class BillLinkRevoked(Gone):
    """The dairy switched the link off."""

    code = "bill_link_revoked"


class BillLinkExpired(Gone):
    """The link's time is over."""

    code = "bill_link_expired"


class BillCancelled(Gone):
    """The bill behind the link was voided."""

    code = "bill_cancelled"


class BillNotIssued(Conflict):
    """Only an issued bill (not a draft, not a void one) can be shared."""

    code = "bill_not_issued"
