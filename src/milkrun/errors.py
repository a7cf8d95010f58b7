"""Errors every layer understands: a status, a stable ``code`` and a sentence for a person.

The API renders them as RFC 9457 problem details, the pages as a message, the CLI as a line.
Each domain types its refusals in its own ``errors.py``, one class per code, subclassing the
kinds below; a raise site names the class and says what went wrong, never the code.
"""

from __future__ import annotations

import importlib
import pkgutil


class MilkrunError(Exception):
    """A refusal of the request."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        keeps_changes: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        # An error that itself records something (a failed login attempt) is committed,
        # not rolled back, by whoever owns the transaction.
        self.keeps_changes = keeps_changes


class InvalidInput(MilkrunError):
    """A value not allowed here."""

    status = 400
    code = "invalid_input"
    title = "Invalid input"


class NamedInBody(InvalidInput):
    """A record named in a request's body (not its path) that does not exist: a bad request
    (400), with the code of that record's own not-found error. A subclass sets ``code`` to the
    code of the ``NotFound`` it stands beside."""


class Unauthorized(MilkrunError):
    """Log in first: send `Authorization: Bearer <token>`."""

    status = 401
    code = "not_authenticated"
    title = "Not authenticated"


class Forbidden(MilkrunError):
    """The caller's role may not do this."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(MilkrunError):
    """No such record or path."""

    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(MilkrunError):
    """The change conflicts with the records as they stand, or with another change made at the
    same time; retry."""

    status = 409
    code = "conflict"
    title = "Conflict"


class Gone(MilkrunError):
    """It existed and no longer works."""

    status = 410
    code = "gone"
    title = "Gone"


class TooManyRequests(MilkrunError):
    """Too many attempts; wait before trying again."""

    status = 429
    code = "too_many_requests"
    title = "Too many requests"


def catalogue() -> list[type[MilkrunError]]:
    """Every error class of milkrun, found by importing every module of the package: the one
    list the documented error codes are made from."""
    import milkrun

    for module in pkgutil.walk_packages(milkrun.__path__, "milkrun."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: list[type[MilkrunError]] = []
    pending: list[type[MilkrunError]] = [MilkrunError]
    while pending:
        kind = pending.pop()
        if kind.__module__.startswith("milkrun."):
            found.append(kind)
        pending.extend(kind.__subclasses__())
    return sorted(found, key=lambda kind: (kind.code, kind.status))
