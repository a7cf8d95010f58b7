"""The refusals of the container ledger, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, NamedInBody, NotFound


class ContainerTypeNotFound(NotFound):
    """No such container type."""

    code = "container_type_not_found"


class UnknownContainerType(NamedInBody):
    """A container type named in the request does not exist."""

    code = "container_type_not_found"


class MoreReturnedThanHeld(Conflict):
    """Taking back (or writing off) more containers than the customer holds."""

    code = "more_returned_than_held"
