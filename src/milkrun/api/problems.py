"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from milkrun.date_window import OUT_OF_WINDOW
from milkrun.errors import MilkrunError, NamedInBody, catalogue

log = logging.getLogger("milkrun.api")
PROBLEM_JSON = "application/problem+json"
# A 422 lists the first few invalid fields and counts them all: a body of a million unknown keys
# must not answer a body of a million errors.
MAX_LISTED_ERRORS = 20


class Problem(BaseModel):
    """An RFC 9457 problem: what every 4xx and 5xx of the API carries."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="A URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="What went wrong, for a person")
    code: str = Field(description="A stable code for programs, e.g. phone_taken")
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description=f"For validation_failed: the invalid fields (the first {MAX_LISTED_ERRORS})",
    )
    error_count: int | None = Field(
        default=None, description="For validation_failed: how many fields are invalid in all"
    )


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"https://milkrun.dev/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(
        jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts)


# Codes the API's own handlers answer with, beside those of the error classes.
HANDLER_CODES: dict[str, tuple[int, str]] = {
    "validation_failed": (422, "The request is malformed: each invalid field is listed."),
    "method_not_allowed": (405, "The path does not take this method."),
    "http_error": (400, "Another refusal of the HTTP layer."),
    "invalid_value": (400, "A value cannot be stored or compared (out of range, NUL)."),
    "database_unavailable": (503, "The database is busy or unreachable; retry shortly."),
    "internal_error": (500, "Something went wrong on our side; nothing was changed."),
}
# Error classes that only the pages or the command line raise: not the API's.
NOT_THE_API = ("milkrun.web.", "milkrun.cli.", "milkrun.legacy.")


def _meaning(kind: type[MilkrunError]) -> str:
    text = (kind.__doc__ or kind.title).strip().split("\n\n")[0]
    return " ".join(text.split()).replace("|", "\\|")


def error_codes() -> dict[str, tuple[list[int], str]]:
    """Every code the API may answer with: its statuses and what it means, made from the error
    classes (one class per code; a record named in a body shares its not-found code as 400)."""
    codes: dict[str, tuple[list[int], str]] = {}
    # A record's own not-found class says what its code means, not its named-in-body twin.
    for kind in sorted(catalogue(), key=lambda kind: issubclass(kind, NamedInBody)):
        if kind.__module__.startswith(NOT_THE_API):
            continue
        statuses, meaning = codes.get(kind.code, ([], _meaning(kind)))
        codes[kind.code] = (sorted({*statuses, kind.status}, reverse=True), meaning)
    for code, (status, meaning) in HANDLER_CODES.items():
        statuses, known = codes.get(code, ([], meaning))
        codes[code] = (sorted({*statuses, status}, reverse=True), known)
    return dict(sorted(codes.items()))


def codes_table() -> str:
    rows = [
        f"| `{code}` | {', '.join(map(str, statuses))} | {meaning} |"
        for code, (statuses, meaning) in error_codes().items()
    ]
    return "\n".join(
        [
            "An RFC 9457 problem. Its `code` is stable, one of:",
            "",
            "| code | status | meaning |",
            "|---|---|---|",
            *rows,
        ]
    )


class MethodNotAllowed(HTTPException):
    """405 with the methods the path does take (Allow), all of them: Starlette names only those
    of the first route that matches the path."""

    def __init__(self, allowed: Iterable[str]) -> None:
        allow = ", ".join(sorted(set(allowed)))
        super().__init__(405, "Method Not Allowed", headers={"Allow": allow})


def _allowed_methods(request: Request) -> set[str]:
    """The methods some route takes at the request's path."""
    allowed: set[str] = set()
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.add(method)
    return allowed


def _documented_400s(operation: dict[str, Any]) -> list[str]:
    """The 400 codes an operation's inputs can draw, by what it takes."""
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    text = str(operation.get("requestBody", "")) + " ".join(str(n) for n in names)
    codes = []
    if "cursor" in names:
        codes.append("invalid_cursor (a cursor this API did not give)")
    if "month" in text or "Billing" in text:
        codes.append("month_in_future (a month that has not begun)")
    if "date" in text.lower() or "Date" in text:
        codes.append("date_out_of_window (a date years away from today)")
    return codes


def document(app: FastAPI) -> None:
    """Describe the API's errors as they are: every operation may answer a 4XX problem
    (``application/problem+json``), in place of FastAPI's default 422 description."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components["Problem"]["description"] = codes_table()
            for item in schema.get("paths", {}).values():
                for operation in item.values():
                    responses = operation.setdefault("responses", {})
                    responses.pop("422", None)
                    refusals = _documented_400s(operation)
                    if refusals:
                        responses["400"] = {
                            "description": "Refused: " + "; ".join(refusals),
                            "content": {
                                PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                            },
                        }
                    responses["4XX"] = {
                        "description": "A problem (RFC 9457): the request was refused",
                        "content": {
                            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    }
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    @app.exception_handler(MilkrunError)
    async def _milkrun_error(_request: Request, exc: MilkrunError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.title, exc.detail, exc.headers or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        every = exc.errors()
        if every and all(error.get("type") == OUT_OF_WINDOW for error in every):
            # A well-formed date the business cannot mean: a refusal (400), not a malformed body.
            return problem(
                400, OUT_OF_WINDOW, "Date out of range", _validation_message(list(every))
            )
        errors = [
            {k: v for k, v in error.items() if k in ("loc", "msg", "type")}
            for error in every[:MAX_LISTED_ERRORS]
        ]
        return problem(
            422,
            "validation_failed",
            "The request is not valid",
            _validation_message(errors),
            errors=errors,
            error_count=len(every),
        )

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 405 and not isinstance(exc, MethodNotAllowed):
            exc = MethodNotAllowed(_allowed_methods(request))
        codes = {
            404: "not_found",
            405: "method_not_allowed",
            401: "not_authenticated",
            413: "payload_too_large",
        }
        code = codes.get(exc.status_code, "http_error")
        return problem(
            exc.status_code,
            code,
            str(exc.detail),
            str(exc.detail),
            dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        # A rule the database enforces was hit by a race the service could not see coming.
        log.warning("integrity error: %s", exc.orig)
        return problem(
            409,
            "conflict",
            "Conflict",
            "The change conflicts with another one made at the same time; retry",
        )

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the request carried (a NUL character in a filter on
        # PostgreSQL, a number out of a column's range): the request is at fault, not the server.
        log.info("data error: %s", exc.orig)
        return problem(
            400,
            "invalid_value",
            "Invalid value",
            "A value in the request cannot be stored or compared (out of range, too long, "
            "or containing a NUL character)",
        )

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error: %s", exc.orig)
        return problem(
            503,
            "database_unavailable",
            "Service unavailable",
            "The database is busy or unreachable; retry shortly",
            {"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(
            500,
            "internal_error",
            "Internal error",
            "Something went wrong on our side; nothing was changed",
        )
