"""The owner's products: the list (with how many), a new product, a product's page (its details
and HSN code, its dated prices and GST rates, a new price or rate from a date), and many prices
at once (+₹N or +N %) shown first as a preview of who it reaches, then confirmed. Each change
calls the service the API calls."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from milkrun.catalog import queries, service, tax
from milkrun.catalog.schemas import (
    BulkPriceChange,
    PriceCreate,
    ProductCreate,
    ProductUpdate,
    TaxRateCreate,
)
from milkrun.containers import queries as container_queries
from milkrun.containers import service as container_service
from milkrun.containers.errors import UnknownContainerType
from milkrun.db.pagination import InvalidCursor
from milkrun.errors import MilkrunError, NotFound
from milkrun.http.deps import PathId
from milkrun.inputs.fields import MAX_ID
from milkrun.subscriptions import reach
from milkrun.web.forms import FormText, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import blank_to_none, not_found, refused

router = APIRouter(prefix="/admin/products")
PAGE = 50

WORDS = {
    "sku": "The SKU is letters and digits (and - or _), up to 40, starting with a letter or digit",
    "name": "Give the product a name (up to 120 characters)",
    "unit": "Say the unit it is sold in, e.g. 500 ml pouch (up to 60 characters)",
    "tax_rate": "The tax rate is a percentage from 0 to 100, with at most two decimals",
    "hsn_code": "The HSN code is 4, 6 or 8 digits, like 0401 for milk or 0405 for ghee",
    "price": "The price is an amount in rupees, like 28 or 28.50",
    "effective_from": "Choose the date the price starts",
    "product_ids": "Tick at least one product",
    "rupees": "Say by how many rupees (like 2 or 1.50; -1 lowers the price)",
    "percent": "Say by what percentage (like 5 or 2.5; -3 lowers the price)",
}
TAX_WORDS = WORDS | {"effective_from": "Choose the date the rate starts"}
DONE = {
    "created": "Product added.",
    "saved": "Product saved.",
    "price": "New price saved.",
    "bulk": "New prices saved.",
    "container": "Container saved.",
    "tax": "New GST rate saved.",
}


# --- the list -----------------------------------------------------------------------------------


@router.get("", response_model=None)
def products(
    visit: AdminVisit, cursor: str | None = None, show: str = "all", done: str = ""
) -> Response:
    session = visit.session
    is_active = {"active": True, "inactive": False}.get(show)
    notice = None
    try:
        rows, next_cursor = queries.list_products(
            session, limit=PAGE, cursor=cursor, is_active=is_active
        )
    except InvalidCursor:
        notice = "That page link is not valid (it may have been cut short); this is the first page."
        cursor = None
        rows, next_cursor = queries.list_products(
            session, limit=PAGE, cursor=None, is_active=is_active
        )
    return visit.render(
        "admin/products/list.html",
        products=rows,
        prices=queries.prices_on(session, [p.id for p in rows], visit.today),
        total=queries.count_products(session, is_active=is_active),
        show=show if is_active is not None else "all",
        next_cursor=next_cursor,
        first_page=cursor is None,
        notice=notice,
        done=DONE.get(done),
    )


# --- a new product ------------------------------------------------------------------------------


def _new_form(
    visit: PageVisit, form: dict[str, str], status_code: int = 200, **extra: Any
) -> Response:
    return visit.render(
        "admin/products/new.html", status_code, form=form, today=visit.today, **extra
    )


@router.get("/new", response_model=None)
def new_product(visit: AdminVisit) -> Response:
    return _new_form(visit, {"tax_rate": "0", "effective_from": visit.today.isoformat()})


@router.post("/new", response_model=None)
def create_product(
    visit: AdminVisit,
    sku: FormText = "",
    name: FormText = "",
    unit: FormText = "",
    tax_rate: FormText = "",
    hsn_code: FormText = "",
    price: FormText = "",
    effective_from: FormText = "",
) -> Response:
    form = {
        "sku": sku,
        "name": name,
        "unit": unit,
        "tax_rate": tax_rate,
        "hsn_code": hsn_code,
        "price": price,
        "effective_from": effective_from,
    }
    try:
        data = valid_form(ProductCreate, blank_to_none(form) | {"tax_rate": tax_rate or "0"}, WORDS)
        product = service.create_product(visit.session, data, visit.actor, today=visit.today)
    except MilkrunError as exc:
        return _new_form(visit, form, **refused(visit, exc))
    return RedirectResponse(f"/admin/products/{product.id}?done=created", status_code=303)


# --- many prices at once ------------------------------------------------------------------------


def _bulk_page(
    visit: PageVisit,
    form: dict[str, Any],
    status_code: int = 200,
    *,
    tick_all: bool = False,
    **extra: Any,
) -> Response:
    rows = queries.products_on_sale(visit.session)
    if tick_all:
        form["product_ids"] = [str(p.id) for p in rows]
    form.setdefault("product_ids", [])
    return visit.render(
        "admin/products/bulk.html",
        status_code,
        products=rows,
        prices=queries.prices_on(visit.session, [p.id for p in rows], visit.today),
        form=form,
        today=visit.today,
        **{"preview": None, "error": None, **extra},
    )


@router.get("/prices", response_model=None)
def bulk_prices(visit: AdminVisit, tick: str = "") -> Response:
    """The form; ``tick=all`` ticks every product on sale."""
    tomorrow = visit.today + dt.timedelta(days=1)
    form: dict[str, Any] = {"by": "rupees", "amount": "", "effective_from": tomorrow.isoformat()}
    return _bulk_page(visit, form, tick_all=tick == "all")


@router.post("/prices", response_model=None)
def change_prices(
    visit: AdminVisit,
    product_ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    by: FormText = "rupees",
    amount: FormText = "",
    effective_from: FormText = "",
    step: FormText = "preview",
) -> Response:
    """``step=preview`` shows what would change and whom it reaches; ``step=confirm`` saves."""
    chosen = [i for i in product_ids if i.isdigit()]
    by = "percent" if by == "percent" else "rupees"
    form = {"product_ids": chosen, "by": by, "amount": amount, "effective_from": effective_from}
    data_in: dict[str, Any] = {
        "product_ids": chosen,
        by: amount.strip() or None,
        "effective_from": effective_from.strip() or None,
        "dry_run": step != "confirm",
    }
    try:
        data = valid_form(BulkPriceChange, data_in, WORDS)
        changes = service.change_prices(visit.session, data, visit.actor, today=visit.today)
    except MilkrunError as exc:
        return _bulk_page(visit, form, **refused(visit, exc))
    if not data.dry_run:
        return RedirectResponse("/admin/products?done=bulk", status_code=303)
    deltas = {c.product.id: c.after_paise - c.before_paise for c in changes}
    preview = {
        "changes": changes,
        "reach": reach.price_change_reach(visit.session, deltas, data.effective_from),
        "effective_from": data.effective_from,
    }
    return _bulk_page(visit, form, preview=preview)


# --- one product --------------------------------------------------------------------------------


def _product_page(
    visit: PageVisit,
    product_id: int,
    status_code: int = 200,
    *,
    edit: dict[str, str] | None = None,
    price_form: dict[str, str] | None = None,
    tax_form: dict[str, str] | None = None,
    container: str | None = None,
    **extra: Any,
) -> Response:
    session = visit.session
    try:
        product = queries.get_product(session, product_id)
    except NotFound as exc:
        return not_found(visit, exc)
    history = list(reversed(queries.price_history(session, product_id)))
    current = queries.price_on(session, product_id, visit.today)
    return visit.render(
        "admin/products/detail.html",
        status_code,
        product=product,
        history=history,
        current=current,
        tax_history=queries.tax_rate_history(session, product_id),
        tax_today=tax.rate_on(session, product_id, visit.today),
        today=visit.today,
        edit=edit
        or {
            "name": product.name,
            "unit": product.unit,
            "tax_rate": f"{product.tax_rate_bps / 100:.2f}",
            "hsn_code": product.hsn_code or "",
            "is_active": "yes" if product.is_active else "",
        },
        price_form=price_form or {"price": "", "effective_from": ""},
        tax_form=tax_form or {"tax_rate": "", "effective_from": ""},
        container_types=[
            t
            for t in container_queries.container_types(session)
            if t.is_active or t.id == product.container_type_id
        ],
        container=container if container is not None else str(product.container_type_id or ""),
        **{
            "error": None,
            "price_error": None,
            "tax_error": None,
            "container_error": None,
            "done": None,
            **extra,
        },
    )


@router.get("/{product_id}", response_model=None)
def product_page(product_id: PathId, visit: AdminVisit, done: str = "") -> Response:
    return _product_page(visit, product_id, done=DONE.get(done))


@router.post("/{product_id}", response_model=None)
def edit_product(
    product_id: PathId,
    visit: AdminVisit,
    name: FormText = "",
    unit: FormText = "",
    tax_rate: FormText = "",
    hsn_code: FormText = "",
    is_active: FormText = "",
) -> Response:
    edit = {
        "name": name,
        "unit": unit,
        "tax_rate": tax_rate,
        "hsn_code": hsn_code,
        "is_active": is_active,
    }
    try:
        queries.get_product(visit.session, product_id)
        data = valid_form(
            ProductUpdate,
            {
                "name": name,
                "unit": unit,
                "tax_rate": tax_rate or "0",
                "hsn_code": hsn_code.strip() or None,  # blank clears it
                "is_active": bool(is_active),
            },
            WORDS,
        )
        service.update_product(visit.session, product_id, data, visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        return _product_page(visit, product_id, edit=edit, **refused(visit, exc))
    return RedirectResponse(f"/admin/products/{product_id}?done=saved", status_code=303)


@router.post("/{product_id}/prices", response_model=None)
def add_price(
    product_id: PathId, visit: AdminVisit, price: FormText = "", effective_from: FormText = ""
) -> Response:
    price_form = {"price": price, "effective_from": effective_from}
    try:
        queries.get_product(visit.session, product_id)
        data = valid_form(PriceCreate, blank_to_none(price_form), WORDS)
        service.add_price(visit.session, product_id, data, visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _product_page(
            visit,
            product_id,
            found["status_code"],
            price_form=price_form,
            price_error=found["error"],
        )
    return RedirectResponse(f"/admin/products/{product_id}?done=price#prices", status_code=303)


@router.post("/{product_id}/tax-rates", response_model=None)
def add_tax_rate(
    product_id: PathId, visit: AdminVisit, tax_rate: FormText = "", effective_from: FormText = ""
) -> Response:
    """A GST rate from a date on: the service POST /api/v1/products/{id}/tax-rates calls."""
    tax_form = {"tax_rate": tax_rate, "effective_from": effective_from}
    try:
        queries.get_product(visit.session, product_id)
        data = valid_form(TaxRateCreate, blank_to_none(tax_form), TAX_WORDS)
        service.add_tax_rate(visit.session, product_id, data, visit.actor)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _product_page(
            visit, product_id, found["status_code"], tax_form=tax_form, tax_error=found["error"]
        )
    return RedirectResponse(f"/admin/products/{product_id}?done=tax#gst", status_code=303)


def _container_id(text: str) -> int | None:
    """The container type chosen in the select; "" is none."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise UnknownContainerType(f"There is no container type {text!r}")
    return int(text)


@router.post("/{product_id}/container", response_model=None)
def set_container(product_id: PathId, visit: AdminVisit, container: FormText = "") -> Response:
    """The returnable container the product comes in ("": none)."""
    try:
        queries.get_product(visit.session, product_id)
        type_id = _container_id(container)
        container_service.comes_in(visit.session, visit.actor, product_id, type_id)
    except MilkrunError as exc:
        if isinstance(exc, NotFound):
            return not_found(visit, exc)
        found = refused(visit, exc)
        return _product_page(
            visit,
            product_id,
            found["status_code"],
            container=container,
            container_error=found["error"],
        )
    return RedirectResponse(
        f"/admin/products/{product_id}?done=container#container", status_code=303
    )
