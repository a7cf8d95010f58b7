"""What the console's pages (products, routes, staff) share: a refused form's status and message,
the error page of a record that does not exist, blank form fields read as "not given"."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.web.pages import PageVisit


def blank_to_none(form: dict[str, str]) -> dict[str, Any]:
    return {k: (v.strip() or None) for k, v in form.items()}


def not_found(visit: PageVisit, exc: MilkrunError) -> Response:
    """The error page for a record that does not exist, drawn here while the login is still
    loaded (raising would draw it after the unit of work has let go of it)."""
    mark_failed(visit.session, exc)
    return visit.render(
        "error.html", 404, title="Not found", message=exc.detail, status=404, back=None
    )


def refused(visit: PageVisit, exc: MilkrunError) -> dict[str, Any]:
    mark_failed(visit.session, exc)
    return {"status_code": exc.status, "error": exc.detail}
