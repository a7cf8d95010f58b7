"""The owner's container types (/admin/containers/types): each kind of returnable container with
its deposit, how many products come in it, how many customers hold and the deposit held; a new
type; a type's name, deposit and whether it is still in use; deleting one made by mistake. Each
change calls the service the API calls."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.containers import queries, service
from milkrun.containers.schemas import ContainerTypeCreate, ContainerTypeUpdate
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.money import to_paise, to_rupees
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import not_found, refused

router = APIRouter(prefix="/admin/containers/types")
PAGE = 50

WORDS = {
    "name": "Give the container a name (up to 80 characters), e.g. 1 L glass bottle",
    "deposit": "The deposit is an amount in rupees, like 50 or 37.50",
}
DONE = {
    "created": "Container type added.",
    "saved": "Container type saved.",
    "deleted": "Container type deleted.",
}


def _rupees(text: str) -> str | None:
    """What a person types for rupees (₹1,200.50) as the API reads it (1200.50)."""
    return text.strip().replace(",", "").lstrip("₹").strip() or None


def _page(
    visit: PageVisit,
    status_code: int = 200,
    *,
    page: int = 1,
    new: dict[str, str] | None = None,
    edits: dict[int, dict[str, str]] | None = None,
    **extra: Any,
) -> Response:
    page = max(1, page)
    rows, count = queries.type_summaries(visit.session, offset=(page - 1) * PAGE, limit=PAGE)
    pages = max(1, -(-count // PAGE))
    forms = {
        row.kind.id: {
            "name": row.kind.name,
            "deposit": to_rupees(row.kind.deposit_paise),
            "is_active": "yes" if row.kind.is_active else "",
        }
        for row in rows
    }
    forms.update(edits or {})

    def link(number: int) -> str:
        return "/admin/containers/types?" + urlencode({"page": number})

    return visit.render(
        "admin/container_types.html",
        status_code,
        rows=rows,
        count=count,
        page=page,
        pages=pages,
        forms=forms,
        new=new or {"name": "", "deposit": ""},
        previous_link=link(page - 1) if page > 1 else None,
        next_link=link(page + 1) if page < pages else None,
        **{"error": None, "error_for": None, "done": None, **extra},
    )


@router.get("", response_model=None)
def container_types(visit: AdminVisit, page: int = 1, done: str = "") -> Response:
    return _page(visit, page=page, done=DONE.get(done))


@router.post("", response_model=None)
def create_container_type(
    visit: AdminVisit, name: FormText = "", deposit: FormText = ""
) -> Response:
    new = {"name": name, "deposit": deposit}
    try:
        data = valid_form(
            ContainerTypeCreate,
            {"name": name.strip() or None, "deposit": _rupees(deposit)},
            WORDS,
        )
        service.create_type(
            visit.session, visit.actor, name=data.name, deposit_paise=to_paise(data.deposit)
        )
    except MilkrunError as exc:
        return _page(visit, new=new, error_for="new", **refused(visit, exc))
    return RedirectResponse("/admin/containers/types?done=created", status_code=303)


@router.post("/{type_id}", response_model=None)
def edit_container_type(
    type_id: PathId,
    visit: AdminVisit,
    name: FormText = "",
    deposit: FormText = "",
    is_active: FormText = "",
) -> Response:
    edit = {"name": name, "deposit": deposit, "is_active": is_active}
    try:
        queries.get_type(visit.session, type_id)
        data = valid_form(
            ContainerTypeUpdate,
            {
                "name": name.strip() or "",
                "deposit": _rupees(deposit) or "",
                "is_active": bool(is_active),
            },
            WORDS,
        )
        service.update_type(visit.session, visit.actor, type_id, data)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        return _page(visit, edits={type_id: edit}, error_for=type_id, **refused(visit, exc))
    return RedirectResponse(f"/admin/containers/types?done=saved#type-{type_id}", status_code=303)


@router.post("/{type_id}/delete", response_model=None)
def delete_container_type(type_id: PathId, visit: AdminVisit) -> Response:
    try:
        service.delete_type(visit.session, visit.actor, type_id)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        return _page(visit, error_for=type_id, **refused(visit, exc))
    return RedirectResponse("/admin/containers/types?done=deleted", status_code=303)
