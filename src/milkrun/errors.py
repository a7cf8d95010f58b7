"""Errors every layer understands: a status, a stable ``code`` and a sentence for a person.

The API renders them as RFC 9457 problem details, the pages as a message, the CLI as a line.
"""

from __future__ import annotations


class MilkrunError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        keeps_changes: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.headers = headers or {}
        # An error that itself records something (a failed login attempt) is committed,
        # not rolled back, by whoever owns the transaction.
        self.keeps_changes = keeps_changes


class InvalidInput(MilkrunError):
    status = 400
    code = "invalid_input"
    title = "Invalid input"


class Unauthorized(MilkrunError):
    status = 401
    code = "not_authenticated"
    title = "Not authenticated"


class Forbidden(MilkrunError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(MilkrunError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(MilkrunError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Gone(MilkrunError):
    status = 410
    code = "gone"
    title = "Gone"


class TooManyRequests(MilkrunError):
    status = 429
    code = "too_many_requests"
    title = "Too many requests"
