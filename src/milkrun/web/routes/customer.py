"""A customer's own page (/me), for the phone: the week ahead (what comes each day, what happened
today and yesterday), changes to a day and one-time orders until the day's cut-off, vacations
taken and ended (``vacations``), the subscriptions in words, and the bills with the balance.

Every form calls the same use case as the JSON API under /api/v1/me, with the customers' cut-off
window: pauses and day changes ``orders.changes`` (which re-syncs materialized days and writes
the audit event), one-time orders ``orders.service``. A refusal shows the page again with the
message next to the form and what was typed, and changes nothing; a change done redirects back
to the page with a short confirmation.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.languages import N_, _
from milkrun.offers import service as offer_service
from milkrun.offers.schemas import OfferAccept
from milkrun.orders import changes
from milkrun.orders import service as order_service
from milkrun.orders.schemas import MyOrderCreate, OrderCreate
from milkrun.subscriptions.schemas import OverrideSet
from milkrun.web.customer_page import DONE, Attempt, Confirmation, CustomerScreen
from milkrun.web.customer_views import day_name
from milkrun.web.forms import FormText, form_date, record_id, valid_form

router = APIRouter(prefix="/me")

QUANTITY_WORDS = {"quantity": N_("Quantity: a whole number from 0 (skips the day) to 99")}
ORDER_WORDS = {
    "product_id": N_("Choose a product from the list"),
    "quantity": N_("Quantity: a whole number from 1 to 99"),
}


# --- the page and its forms --------------------------------------------------------------------


@router.get("", response_model=None)
def home(
    screen: CustomerScreen,
    done: str | None = None,
    on: str | None = None,
    older: str | None = None,
) -> Response:
    confirmation = None
    if done in DONE:
        try:
            day = dt.date.fromisoformat(on or "")
        except ValueError:
            day = None  # not a link this page made: no confirmation
        if day is not None:
            words, anchor = DONE[done]
            confirmation = Confirmation(
                _(words).format(day=day_name(day)), anchor.format(day=day.isoformat())
            )
    return screen.show(done=confirmation, bills_cursor=older)


@router.post("/day-quantity", response_model=None)
def set_day_quantity(
    screen: CustomerScreen,
    delivery_date: FormText = "",
    subscription_id: FormText = "",
    quantity: FormText = "",
) -> Response:
    """A subscription's quantity on one day (0 skips it): an override, until the cut-off."""
    attempt = Attempt(
        "quantity",
        f"{delivery_date}:{subscription_id}",
        values={"quantity": quantity},
        anchor=f"day-{delivery_date}",
    )
    try:
        day = form_date(delivery_date)
        data = valid_form(OverrideSet, {"quantity": quantity.strip()}, QUANTITY_WORDS)
        changes.set_override(
            screen.session,
            record_id(subscription_id, "subscription"),
            day,
            data.quantity,
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("skipped" if data.quantity == 0 else "quantity", day)


@router.post("/day-usual", response_model=None)
def back_to_usual(
    screen: CustomerScreen, delivery_date: FormText = "", subscription_id: FormText = ""
) -> Response:
    """Drop a day's change: the schedule's quantity again."""
    attempt = Attempt(
        "quantity", f"{delivery_date}:{subscription_id}", anchor=f"day-{delivery_date}"
    )
    try:
        day = form_date(delivery_date)
        changes.clear_override(
            screen.session,
            record_id(subscription_id, "subscription"),
            day,
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("usual", day)


@router.post("/orders", response_model=None)
def order_once(
    screen: CustomerScreen,
    delivery_date: FormText = "",
    product_id: FormText = "",
    quantity: FormText = "",
) -> Response:
    """A one-time order for a day still open (as POST /api/v1/me/orders)."""
    attempt = Attempt(
        "order",
        delivery_date,
        values={"product_id": product_id, "quantity": quantity},
        anchor=f"day-{delivery_date}",
    )
    try:
        day = form_date(delivery_date)
        mine = valid_form(
            MyOrderCreate,
            {"delivery_date": day, "product_id": product_id.strip(), "quantity": quantity.strip()},
            ORDER_WORDS,
        )
        data = OrderCreate(customer_id=screen.customer_id, **mine.model_dump())
        order_service.create_one_time_order(screen.session, data, screen.actor, screen.window)
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("ordered", day)


@router.post("/offers/{offer_id}/accept", response_model=None)
def accept_offer(screen: CustomerScreen, offer_id: PathId, quantity: FormText = "") -> Response:
    """Yes to a festival offer: a one-time order of it, until its day's cut-off."""
    attempt = Attempt("offer", str(offer_id), values={"quantity": quantity}, anchor="offers")
    try:
        count = valid_form(OfferAccept, {"quantity": quantity.strip()}, ORDER_WORDS)
        accepted = offer_service.accept_offer(
            screen.session,
            offer_id,
            screen.customer_id,
            count.quantity,
            screen.actor,
            screen.window,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("accepted", accepted.delivery_date)


@router.post("/orders/cancel", response_model=None)
def cancel_order(screen: CustomerScreen, order_id: FormText = "") -> Response:
    """Cancel a one-time order before its day's cut-off."""
    attempt = Attempt("cancel", order_id, anchor="week")
    try:
        order = order_service.cancel_order(
            screen.session,
            record_id(order_id, "order"),
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("cancelled", order.delivery_date)
