"""The customer's own page (/me) as one customer sees it in a request: what it shows, a refused
form shown again with why and what was typed, a change done confirmed where it happened. The
forms are in ``web.routes.customer`` (days and one-time orders) and ``web.routes.vacations``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from milkrun import cutoff, languages
from milkrun.auth.models import Role
from milkrun.customers import queries as customer_queries
from milkrun.cutoff import Window
from milkrun.db.pagination import InvalidCursor
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import SessionDep, SettingsDep
from milkrun.languages import N_, _
from milkrun.offers import queries as offer_queries
from milkrun.routing.models import Route
from milkrun.wallets import queries as wallet_queries
from milkrun.wallets.generation import threshold_of
from milkrun.web import customer_bills
from milkrun.web import customer_views as views
from milkrun.web.customer_views import Day, PauseView
from milkrun.web.pages import PageVisit, page_user, render
from milkrun.web.subscription_forms import KINDS

ONE_DAY = dt.timedelta(days=1)

# Confirmations after a change (``?done=&on=``): fixed sentences (only the date comes from the
# URL), shown where the page is scrolled to.
DONE = {
    "quantity": (N_("{day}: changed."), "day-{day}"),
    "skipped": (N_("{day}: skipped."), "day-{day}"),
    "usual": (N_("{day}: back to your usual."), "day-{day}"),
    "ordered": (N_("{day}: one-time order added."), "day-{day}"),
    "cancelled": (N_("{day}: one-time order cancelled."), "day-{day}"),
    "paused": (N_("Deliveries paused from {day}."), "vacations"),
    "resumed": (N_("Deliveries start again on {day}."), "vacations"),
    "called_off": (N_("Vacation called off."), "vacations"),
    "welcome": (N_("Welcome! Choose what you would like delivered."), "subscriptions"),
    "subscribed": (N_("Subscribed: deliveries from {day}."), "subscriptions"),
    "terms": (N_("Your usual changes from {day}."), "subscriptions"),
    "ended": (N_("Cancelled: no more deliveries from {day}."), "subscriptions"),
    "accepted": (N_("{day}: festival offer accepted, it comes with your delivery."), "offers"),
}
# Refusals whose English from the domain names a record ("There is no offer 5"): the customer
# reads a fixed sentence in the page's language instead. Others are translated when the
# catalogues hold the same text (else English).
REFUSALS = {
    "offer_not_found": N_("This offer is no longer open."),
    "offer_already_accepted": N_("You have already accepted this offer."),
}
# The domains' refusals a customer meets on this page, in words that translate (the domain's own
# sentence names dates and products, in English; a Hindi or Kannada page shows these instead).
TRANSLATED_REFUSALS = {
    "cutoff_passed": N_("Too late: that day is locked after the cut-off time. Call the dairy."),
    "date_in_past": N_("That day is already past."),
    "holiday": N_("The dairy does not deliver on that day (a holiday)."),
    "pause_overlaps": N_("You already have a vacation on some of those days."),
    "pause_started": N_("That vacation has started: it can be ended, not called off."),
    "product_inactive": N_("That product is not on sale any more."),
    "product_not_priced": N_("That product has no price yet for that day."),
    "nothing_to_change": N_("Nothing to change: that is already so."),
    "effective_after_end": N_("That date is after the subscription ends."),
    "end_before_start": N_("The last day is before the first day."),
    "date_outside_subscription": N_("That day is outside the subscription."),
    "order_not_open": N_("That order can no longer be changed."),
    "subscription_order": N_("That delivery comes from a subscription: change the day instead."),
    "customer_inactive": N_("Your account is not active: call the dairy."),
    "quantity_needs_schedule": N_("Give a quantity for at least one day."),
}

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
                session, self.customer_id, window.today, bills_cursor, settings=self.settings
            )
        except InvalidCursor:  # a cursor this page did not give out: the first page
            my_bills, bills_next = customer_bills.bills(
                session, self.customer_id, window.today, None, settings=self.settings
            )
        attempt.placed = (attempt.form, attempt.key) in _forms_on(days, vacations, subs)
        if done is not None:
            done.placed = done.anchor in {
                "vacations",
                "subscriptions",
                "offers",
                *(day.anchor for day in days),
            }
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
            festival_offers=offer_queries.open_offers_for(session, self.customer_id, window.today),
            kinds=KINDS,
            subscriptions=subs,
            pauses=vacations,
            bills=my_bills,
            bills_next=bills_next,
            upi_vpa=self.settings.upi_vpa,
            account=customer_bills.account(session, self.customer_id, self.settings),
            wallet=(
                wallet_queries.wallet(
                    session,
                    self.customer_id,
                    threshold_of(self.settings),
                    self.settings.zone,
                    window.today,
                )
                if customer.is_prepaid
                else None
            ),
            attempt=attempt,
            done=done,
        )

    def refuse(self, exc: MilkrunError, attempt: Attempt) -> Response:
        """The page again with why the change was refused; the change is rolled back."""
        mark_failed(self.session, exc)
        attempt.message = _(REFUSALS.get(exc.code, exc.detail))
        if languages.current() != "en" and exc.code in TRANSLATED_REFUSALS:
            attempt.message = _(TRANSLATED_REFUSALS[exc.code])
        return self.show(status_code=exc.status, attempt=attempt)

    def back(self, done: str, day: dt.date) -> Response:
        """To the page, scrolled to what changed, with the confirmation there."""
        anchor = DONE[done][1].format(day=day.isoformat())
        return RedirectResponse(f"/me?done={done}&on={day.isoformat()}#{anchor}", status_code=303)


def _forms_on(
    days: list[Day], vacations: list[PauseView], subs: list[views.SubscriptionView]
) -> set[tuple[str, str]]:
    """The forms the page shows, by (form, key): where a refusal's message can stand."""
    forms = {("pause", "new"), ("subscribe", "new")}
    for sub in subs:
        if sub.status != "ended":
            forms |= {("terms", str(sub.id)), ("end", str(sub.id))}
    for day in days:
        if day.is_open:
            forms.add(("order", day.date.isoformat()))
            forms |= {("quantity", change.key) for change in day.changes}
        forms |= {("cancel", str(line.cancel_order_id)) for line in day.lines}
    forms |= {("resume", str(p.id)) for p in vacations if p.can_resume or p.can_call_off}
    return forms


def _screen(request: Request, session: SessionDep, settings: SettingsDep) -> Screen:
    """The customer's screen (``LoginRequired`` when nobody, or not a customer, is logged in)."""
    user = page_user(request, session, settings, Role.customer)
    assert user.customer_id is not None  # an active customer login is always linked
    return Screen(request, session, settings, user, user.customer_id, cutoff.for_customer(settings))


CustomerScreen = Annotated[Screen, Depends(_screen)]
