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


class ContainerTypeNameTaken(Conflict):
    """Another container type already has this name."""

    code = "container_type_name_taken"


class ContainerTypeInUse(Conflict):
    """A container type that a product comes in or that has a ledger cannot be deleted."""

    code = "container_type_in_use"


class ContainerTypeInactive(Conflict):
    """A retired container type cannot be chosen for a product."""

    code = "container_type_inactive"
