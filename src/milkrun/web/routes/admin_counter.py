"""The owner's counter (/admin/counter): a walk-in sale — pick products and quantities, take the
money (cash or UPI) — then its printable cash memo (/admin/counter/{id}); today's sales with
their totals; voiding a sale with a reason. Each change calls the service the API calls."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from milkrun.counter_sales import queries, service
from milkrun.counter_sales.errors import EmptySale
from milkrun.counter_sales.models import SaleMethod
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.web.forms import FormText
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import not_found, refused

router = APIRouter(prefix="/admin/counter")
PAGE = 25
FormList = Annotated[list[str], Form()]
DONE = {"void": "The sale is void: its number stays, listed as cancelled."}


def _page(
    visit: PageVisit,
    status_code: int = 200,
    *,
    page: int = 1,
    typed: dict[str, Any] | None = None,
    **extra: Any,
) -> Response:
    day = visit.today
    page = max(1, page)
    count = queries.count_sales(visit.session, day)
    pages = max(1, -(-count // PAGE))
    sales = queries.day_sales(visit.session, day, offset=(page - 1) * PAGE, limit=PAGE)

    def link(number: int) -> str:
        return "/admin/counter?" + urlencode({"page": number})

    return visit.render(
        "admin/counter/home.html",
        status_code,
        day=day,
        zone=visit.settings.zone,
        products=queries.sellable(visit.session, day),
        typed=typed or {"quantities": {}, "method": "cash", "reference": ""},
        totals=queries.day_totals(visit.session, day),
        sales=sales,
        count=count,
        page=page,
        pages=pages,
        previous_link=link(page - 1) if page > 1 else None,
        next_link=link(page + 1) if page < pages else None,
        **{"error": None, "done": None, **extra},
    )


@router.get("", response_model=None)
def counter(visit: AdminVisit, page: int = 1, done: str = "") -> Response:
    return _page(visit, page=page, done=DONE.get(done))


def _quantity(text: str) -> int:
    text = text.strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > service.MAX_QUANTITY:
        raise EmptySale(f"A quantity is a whole number from 1 to {service.MAX_QUANTITY}")
    return int(text)


@router.post("", response_model=None)
def sell(
    visit: AdminVisit,
    product_id: FormList = [],  # noqa: B006 (FastAPI copies the default)
    quantity: FormList = [],  # noqa: B006
    method: FormText = "",
    reference: FormText = "",
) -> Response:
    typed = {
        "quantities": dict(zip(product_id, quantity, strict=False)),
        "method": method,
        "reference": reference,
    }
    try:
        if method not in {m.value for m in SaleMethod}:
            raise EmptySale("Say how the customer paid: cash or UPI")
        if len(reference) > 80:
            raise EmptySale("The UPI reference is at most 80 characters")
        lines = [
            (int(pid), _quantity(qty))
            for pid, qty in zip(product_id, quantity, strict=False)
            if pid.isdigit()
        ]
        sale = service.record_sale(
            visit.session,
            visit.actor,
            visit.settings,
            lines=lines,
            method=SaleMethod(method),
            reference=reference,
            today=visit.today,
        )
    except MilkrunError as exc:
        return _page(visit, typed=typed, **refused(visit, exc))
    return RedirectResponse(f"/admin/counter/{sale.id}", status_code=303)


def _memo(visit: PageVisit, sale_id: int, status_code: int = 200, **extra: Any) -> Response:
    sale = queries.read_sales(visit.session, [queries.get_sale(visit.session, sale_id)])[0]
    return visit.render(
        "admin/counter/memo.html",
        status_code,
        sale=sale,
        business=visit.settings,
        zone=visit.settings.zone,
        **{"error": None, "done": None, "reason": "", **extra},
    )


@router.get("/{sale_id}", response_model=None)
def cash_memo(sale_id: PathId, visit: AdminVisit, done: str = "") -> Response:
    try:
        return _memo(visit, sale_id, done=DONE.get(done))
    except NotFound as exc:
        return not_found(visit, exc)


@router.post("/{sale_id}/void", response_model=None)
def void(sale_id: PathId, visit: AdminVisit, reason: FormText = "") -> Response:
    try:
        service.void_sale(visit.session, visit.actor, sale_id, reason)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        return _memo(visit, sale_id, reason=reason, **refused(visit, exc))
    return RedirectResponse(f"/admin/counter/{sale_id}?done=void", status_code=303)
