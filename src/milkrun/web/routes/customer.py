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
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from milkrun import cutoff
from milkrun.auth.models import Role
from milkrun.customers import queries as customer_queries
from milkrun.cutoff import Window
from milkrun.db.session import mark_failed
from milkrun.deps import SessionDep, SettingsDep
from milkrun.errors import InvalidInput, MilkrunError, NotFound
from milkrun.fields import MAX_ID
from milkrun.orders import changes
from milkrun.orders import service as order_service
from milkrun.orders.schemas import MyOrderCreate, OrderCreate
from milkrun.pagination import InvalidCursor
from milkrun.routing.models import Route
from milkrun.subscriptions.schemas import OverrideSet
from milkrun.web import customer_bills
from milkrun.web import customer_views as views
from milkrun.web.app import LoginRequired, PageVisit, login_redirect, page_user, render
from milkrun.web.customer_views import Day, PauseView, day_name

router = APIRouter(prefix="/me")

ONE_DAY = dt.timedelta(days=1)

# Confirmations after a change (``?done=&on=``): fixed sentences (only the date comes from the
# URL), shown where the page is scrolled to.
DONE = {
    "quantity": ("{day}: changed.", "day-{day}"),
    "skipped": ("{day}: skipped.", "day-{day}"),
    "usual": ("{day}: back to your usual.", "day-{day}"),
    "ordered": ("{day}: one-time order added.", "day-{day}"),
    "cancelled": ("{day}: one-time order cancelled.", "day-{day}"),
    "paused": ("Deliveries paused from {day}.", "vacations"),
    "resumed": ("Deliveries start again on {day}.", "vacations"),
    "called_off": ("Vacation called off.", "vacations"),
}
QUANTITY_WORDS = {"quantity": "Quantity: a whole number from 0 (skips the day) to 99"}
ORDER_WORDS = {
    "product_id": "Choose a product from the list",
    "quantity": "Quantity: a whole number from 1 to 99",
}

Model = TypeVar("Model", bound=BaseModel)


# --- the forms: what was typed, what was done ------------------------------------------------


@dataclass
class Attempt:
    """A refused form (``form`` and the ``key`` of its record), why, and what was typed.
    ``placed``: the form is on the page, so the message stands next to it (else at the top)."""

    form: str = ""
    key: str = ""
    message: str = ""
    values: dict[str, str] = field(default_factory=dict)
    anchor: str = ""
    placed: bool = False

    def is_for(self, form: str, key: object) -> bool:
        return bool(self.message) and self.form == form and self.key == str(key)

    def value(self, form: str, key: object, name: str, default: object = "") -> str:
        if self.is_for(form, key) and name in self.values:
            return self.values[name]
        return "" if default is None else str(default)


@dataclass
class Confirmation:
    """A change done: the sentence, and where it stands (``anchor``; at the top when that part
    of the page is not shown)."""

    message: str
    anchor: str
    placed: bool = False


# --- the screen: show, refuse, back ------------------------------------------------------------


@dataclass(frozen=True)
class Screen(PageVisit):
    """The customer's page as one customer sees it in this request."""

    customer_id: int
    window: Window

    def show(
        self,
        *,
        status_code: int = 200,
        attempt: Attempt | None = None,
        done: Confirmation | None = None,
        bills_cursor: str | None = None,
    ) -> Response:
        session, window = self.session, self.window
        attempt = attempt or Attempt()
        customer = customer_queries.get_customer(session, self.customer_id)
        route = session.get(Route, customer.route_id) if customer.route_id else None
        days = views.week(session, self.settings, self.customer_id, window)
        subs = views.subscriptions(session, self.customer_id, window.today)
        vacations = views.pauses(session, self.customer_id, window, subs)
        try:
            my_bills, bills_next = customer_bills.bills(
                session, self.customer_id, window.today, bills_cursor, zone=self.settings.zone
            )
        except InvalidCursor:  # a cursor this page did not give out: the first page
            my_bills, bills_next = customer_bills.bills(
                session, self.customer_id, window.today, None, zone=self.settings.zone
            )
        attempt.placed = (attempt.form, attempt.key) in _forms_on(days, vacations)
        if done is not None:
            done.placed = done.anchor in {"vacations", *(day.anchor for day in days)}
        return render(
            self.request,
            "customer/home.html",
            status_code=status_code,
            user=self.user,
            customer=customer,
            route=route,
            week=days,
            first_open=window.first_open,
            offer=views.offer(session, window.first_open),
            subscriptions=subs,
            pauses=vacations,
            bills=my_bills,
            bills_next=bills_next,
            account=customer_bills.account(session, self.customer_id, self.settings),
            attempt=attempt,
            done=done,
        )

    def refuse(self, exc: MilkrunError, attempt: Attempt) -> Response:
        """The page again with why the change was refused; the change is rolled back."""
        mark_failed(self.session, exc)
        attempt.message = exc.detail
        return self.show(status_code=exc.status, attempt=attempt)

    def back(self, done: str, day: dt.date) -> Response:
        """To the page, scrolled to what changed, with the confirmation there."""
        anchor = DONE[done][1].format(day=day.isoformat())
        return RedirectResponse(f"/me?done={done}&on={day.isoformat()}#{anchor}", status_code=303)


def _forms_on(days: list[Day], vacations: list[PauseView]) -> set[tuple[str, str]]:
    """The forms the page shows, by (form, key): where a refusal's message can stand."""
    forms = {("pause", "new")}
    for day in days:
        if day.is_open:
            forms.add(("order", day.date.isoformat()))
            forms |= {("quantity", change.key) for change in day.changes}
        forms |= {("cancel", str(line.cancel_order_id)) for line in day.lines}
    forms |= {("resume", str(p.id)) for p in vacations if p.can_resume or p.can_call_off}
    return forms


def _screen(request: Request, session: SessionDep, settings: SettingsDep) -> Screen | None:
    """The customer's screen, or None when nobody (or not a customer) is logged in."""
    try:
        user = page_user(request, session, settings, Role.customer)
    except LoginRequired:
        return None
    assert user.customer_id is not None  # an active customer login is always linked
    return Screen(request, session, settings, user, user.customer_id, cutoff.for_customer(settings))


CustomerScreen = Annotated[Screen | None, Depends(_screen)]
FormText = Annotated[str, Form()]


def to_login() -> Response:
    return RedirectResponse("/login?next=/me", status_code=303)


# --- reading the forms -------------------------------------------------------------------------


def form_date(text: str, message: str = "Choose a date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(message, code="invalid_date") from exc


def record_id(text: str, what: str) -> int:
    """An id from a form; one that is no id is a record that does not exist."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise NotFound(f"There is no {what} {text!r}", code=f"{what}_not_found")
    return int(text)


def valid_form(schema: type[Model], data: dict[str, Any], words: dict[str, str]) -> Model:
    """The request schema the API reads, built from the form; what it refuses, in words."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        names = [str(e["loc"][0]) for e in exc.errors() if e["loc"]]
        message = next((words[n] for n in names if n in words), "Check what you typed")
        raise InvalidInput(message, code="invalid_form") from exc


# --- the page and its forms --------------------------------------------------------------------


@router.get("", response_model=None)
def home(
    screen: CustomerScreen,
    request: Request,
    done: str | None = None,
    on: str | None = None,
    older: str | None = None,
) -> Response:
    if screen is None:
        return login_redirect(request)
    confirmation = None
    if done in DONE:
        try:
            day = dt.date.fromisoformat(on or "")
        except ValueError:
            day = None  # not a link this page made: no confirmation
        if day is not None:
            words, anchor = DONE[done]
            confirmation = Confirmation(
                words.format(day=day_name(day)), anchor.format(day=day.isoformat())
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
    if screen is None:
        return to_login()
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
    if screen is None:
        return to_login()
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
    if screen is None:
        return to_login()
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


@router.post("/orders/cancel", response_model=None)
def cancel_order(screen: CustomerScreen, order_id: FormText = "") -> Response:
    """Cancel a one-time order before its day's cut-off."""
    if screen is None:
        return to_login()
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
