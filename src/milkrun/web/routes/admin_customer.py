"""The owner's page of one customer (/admin/customers/{id}): who it is and its login, its
subscriptions with the changes planned, its pauses, the week's orders and what became of them,
bills, the ledger's balance and latest entries, and its audit trail; and the forms that change
what it receives.

Every form calls the use case the JSON API calls, with the staff cut-off window: subscriptions,
pauses and day changes through ``orders.changes`` (which re-syncs the materialized days and
audits). Staff may change a day already locked for customers; the form then asks why, and the
reason is audited (``Window.with_reason``). A refusal shows the page again with the message next
to the form and what was typed, and changes nothing; a change done redirects back with a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun import cutoff
from milkrun.auth import queries as auth_queries
from milkrun.customers import logins
from milkrun.customers import queries as customer_queries
from milkrun.customers.schemas import CustomerLogin
from milkrun.cutoff import Window
from milkrun.db.pagination import InvalidCursor
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.notify import consent
from milkrun.notify import service as notify_service
from milkrun.orders import changes, leaving
from milkrun.routing.models import Route
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions.schemas import OverrideSet, PauseUpdate, SubscriptionCreate
from milkrun.wallets import queries as wallet_queries
from milkrun.wallets.generation import threshold_of
from milkrun.web import admin_customer_views, customer_bills
from milkrun.web import customer_views as views
from milkrun.web import subscription_forms as forms
from milkrun.web.forms import form_date, record_id, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.subscription_forms import Attempt, FormValues

router = APIRouter(prefix="/admin/customers/{customer_id}")

# How a customer gives its word about messages, as the form offers it (the API takes any text).
CONSENT_SOURCES = ("asked in person", "phone call", "paper form", "WhatsApp reply", "email reply")
DONE = {
    "created": "Customer added.",
    "saved": "Changes saved.",
    "deactivated": "Customer deactivated: no deliveries from the date shown.",
    "reactivated": "Customer active again: deliveries from the next open day.",
    "wallet": "Wallet saved.",
    "login": "Login created: the customer logs in with the phone or email and that password.",
    "subscribed": "Subscription added.",
    "terms": "Subscription changed from the day chosen.",
    "cancelled": "Subscription cancelled from the day chosen.",
    "paused": "Deliveries paused.",
    "resumed": "Pause ended.",
    "called_off": "Pause called off.",
    "day": "The day is changed.",
    "consent": "Message preference recorded.",
    "usual": "The day is back to the usual.",
}


@dataclass(frozen=True)
class CustomerPage(PageVisit):
    customer_id: int

    @property
    def window(self) -> Window:
        return cutoff.for_staff(self.settings)

    def late_window(self, values: dict[str, str]) -> Window:
        """The staff window for a form with a ``reason`` field: a locked day needs one."""
        return self.window.with_reason(values.get("reason"))

    def show(
        self,
        *,
        status_code: int = 200,
        attempt: Attempt | None = None,
        done: str | None = None,
        older: str | None = None,
        events: str | None = None,
    ) -> Response:
        session, window = self.session, self.window
        customer = customer_queries.get_customer(session, self.customer_id)
        route = session.get(Route, customer.route_id) if customer.route_id else None
        subs = views.subscriptions(session, self.customer_id, window.today)
        try:
            bills, bills_next = customer_bills.bills(
                session, self.customer_id, window.today, older, settings=self.settings
            )
        except InvalidCursor:
            bills, bills_next = customer_bills.bills(
                session, self.customer_id, window.today, None, settings=self.settings
            )
        try:
            trail, trail_next = admin_customer_views.trail(
                session, self.customer_id, self.settings.zone, events
            )
        except InvalidCursor:
            trail, trail_next = admin_customer_views.trail(
                session, self.customer_id, self.settings.zone, None
            )
        return self.render(
            "admin/customers/detail.html",
            status_code=status_code,
            customer=customer,
            route=route,
            login=auth_queries.login_of_customer(session, self.customer_id),
            subscriptions=subs,
            pauses=views.pauses(session, self.customer_id, window, subs),
            week=views.week(session, self.settings, self.customer_id, window),
            window=window,
            offer=views.offer(session, window.today),
            kinds=forms.KINDS,
            bills=bills,
            bills_next=bills_next,
            account=customer_bills.account(session, self.customer_id, self.settings),
            wallet=wallet_queries.wallet(
                session,
                self.customer_id,
                threshold_of(self.settings),
                self.settings.zone,
                window.today,
            ),
            trail=trail,
            trail_next=trail_next,
            consents={c.channel: c for c in consent.consents_of(session, self.customer_id)},
            messages=notify_service.latest_to(session, self.customer_id),
            consent_sources=CONSENT_SOURCES,
            zone=self.settings.zone,
            attempt=attempt or Attempt(),
            done=DONE.get(done or ""),
            leaving=leaving.leaving(session, self.customer_id, window)
            if customer.is_active
            else None,
        )

    def refuse(self, exc: MilkrunError, attempt: Attempt) -> Response:
        mark_failed(self.session, exc)
        attempt.message = exc.detail
        return self.show(status_code=exc.status, attempt=attempt)

    def back(self, done: str, anchor: str = "subscriptions") -> Response:
        url = f"/admin/customers/{self.customer_id}?done={done}#{anchor}"
        return RedirectResponse(url, status_code=303)


def customer_page(visit: AdminVisit, customer_id: PathId) -> CustomerPage:
    customer_queries.get_customer(visit.session, customer_id)  # 404 for no such customer
    return CustomerPage(visit.request, visit.session, visit.settings, visit.user, customer_id)


@router.get("", response_model=None)
def customer(
    visit: AdminVisit,
    customer_id: PathId,
    done: str | None = None,
    older: str | None = None,
    events: str | None = None,
) -> Response:
    return customer_page(visit, customer_id).show(done=done, older=older, events=events)


@router.post("/login", response_model=None)
def create_login(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    page = customer_page(visit, customer_id)
    attempt = Attempt("login", "")
    try:
        data = valid_form(
            CustomerLogin,
            {"password": values.get("password", "")},
            {"password": "The password needs 8 to 128 characters"},
        )
        logins.create_login(page.session, customer_id, data.password, page.actor)
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("login", "who")


@router.post("/reactivate", response_model=None)
def reactivate(visit: AdminVisit, customer_id: PathId) -> Response:
    page = customer_page(visit, customer_id)
    try:
        leaving.reactivate_customer(page.session, customer_id, page.actor, page.window)
    except MilkrunError as exc:
        return page.refuse(exc, Attempt("reactivate", ""))
    return page.back("reactivated", "who")


# --- subscriptions ---------------------------------------------------------------------------


@router.post("/subscriptions", response_model=None)
def subscribe(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    """A new subscription (as POST /api/v1/subscriptions)."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("subscribe", "new", values=values)
    try:
        mine = forms.new_subscription(values)
        data = SubscriptionCreate(customer_id=customer_id, **mine.model_dump())
        changes.create_subscription(page.session, data, page.actor, page.late_window(values))
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("subscribed")


def _subscription_id(page: CustomerPage, text: str) -> int:
    subscription = subscription_queries.get_subscription(
        page.session, record_id(text, "subscription"), customer_id=page.customer_id
    )
    return subscription.id


@router.post("/subscriptions/{subscription_id}/terms", response_model=None)
def change_terms(
    visit: AdminVisit, customer_id: PathId, subscription_id: PathId, values: FormValues
) -> Response:
    """New terms (how often, how many, product, shift) from a date; earlier days keep theirs
    (as PATCH /api/v1/subscriptions/{id} with ``effective_from``)."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("terms", str(subscription_id), values=values)
    try:
        sid = _subscription_id(page, str(subscription_id))
        data = forms.new_terms(values)
        changes.change_subscription(
            page.session, sid, data, page.actor, page.late_window(values), customer_id=customer_id
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("terms")


@router.post("/subscriptions/{subscription_id}/cancel", response_model=None)
def cancel(
    visit: AdminVisit, customer_id: PathId, subscription_id: PathId, values: FormValues
) -> Response:
    """No more deliveries from a day: the subscription ends the day before."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("cancel", str(subscription_id), values=values)
    try:
        subscription = subscription_queries.get_subscription(
            page.session, subscription_id, customer_id=customer_id
        )
        data = forms.last_day(values, subscription.start_date)
        changes.change_subscription(
            page.session,
            subscription.id,
            data,
            page.actor,
            page.late_window(values),
            customer_id=customer_id,
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("cancelled")


# --- pauses and single days ---------------------------------------------------------------


@router.post("/pauses", response_model=None)
def pause(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    """Pause one subscription or all of them, for a range or until resumed."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("pause", "new", values=values)
    try:
        data = forms.new_pause(values)
        chosen = values.get("subscription_id", "")
        changes.create_pause(
            page.session,
            data,
            page.actor,
            page.late_window(values),
            customer_id=customer_id,
            subscription_id=_subscription_id(page, chosen) if chosen else None,
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("paused", "pauses")


@router.post("/pauses/{pause_id}/end", response_model=None)
def end_pause(
    visit: AdminVisit, customer_id: PathId, pause_id: PathId, values: FormValues
) -> Response:
    """Deliveries again from a day (the pause's last day is the day before)."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("resume", str(pause_id), values=values)
    try:
        found = subscription_queries.get_pause(page.session, pause_id, customer_id=customer_id)
        day = form_date(values.get("resume_on", ""), "Choose the day deliveries start again")
        changes.update_pause(
            page.session,
            found.id,
            PauseUpdate(end_date=day - forms.ONE_DAY),
            page.actor,
            page.late_window(values),
            customer_id=customer_id,
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("resumed", "pauses")


@router.post("/pauses/{pause_id}/call-off", response_model=None)
def call_off(
    visit: AdminVisit, customer_id: PathId, pause_id: PathId, values: FormValues
) -> Response:
    page = customer_page(visit, customer_id)
    attempt = Attempt("resume", str(pause_id), values=values)
    try:
        found = subscription_queries.get_pause(page.session, pause_id, customer_id=customer_id)
        changes.delete_pause(
            page.session, found.id, page.actor, page.late_window(values), customer_id=customer_id
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("called_off", "pauses")


@router.post("/day", response_model=None)
def change_day(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    """One day of one subscription: another quantity, 0 to skip it, or empty for the usual."""
    page = customer_page(visit, customer_id)
    attempt = Attempt("day", "new", values=values)
    try:
        sid = _subscription_id(page, values.get("subscription_id", ""))
        day = form_date(values.get("delivery_date", ""))
        window = page.late_window(values)
        if values.get("quantity", "") == "":
            changes.clear_override(
                page.session, sid, day, page.actor, window, customer_id=customer_id
            )
            done = "usual"
        else:
            data = valid_form(
                OverrideSet,
                {"quantity": values["quantity"]},
                {"quantity": "Quantity: a whole number from 0 (skips the day) to 99"},
            )
            changes.set_override(
                page.session, sid, day, data.quantity, page.actor, window, customer_id=customer_id
            )
            done = "day"
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back(done, "week")
