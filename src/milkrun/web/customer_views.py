"""What a customer's own page (/me) shows, read from the domains and put in words: the week
(what comes each day, what became of it, what is paused or skipped, and the quantity forms of
the days still open), the vacations not over yet, the subscriptions (the bills and the balance:
``customer_bills``).

Reads only: the page's forms (``web/routes/customer.py``) write through the domains' use cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from milkrun import cutoff, languages
from milkrun.catalog import queries as catalog_queries
from milkrun.catalog.models import Product
from milkrun.config import Settings
from milkrun.cutoff import Window
from milkrun.deliveries import queries as delivery_queries
from milkrun.deliveries.models import DeliveryStatus
from milkrun.languages import N_, _
from milkrun.orders import queries as order_queries
from milkrun.orders.schemas import UpcomingOrder
from milkrun.subscriptions import pauses as pause_rules
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions import schedule
from milkrun.subscriptions.schemas import ScheduleIn, SubscriptionRead

ONE_DAY = dt.timedelta(days=1)
WEEK = 7

REASONS = {
    "customer_unavailable": N_("nobody was at home"),
    "address_not_found": N_("the address was not found"),
    "refused": N_("refused"),
    "out_of_stock": N_("out of stock"),
    "other": N_("another reason"),
}
# The shifts, as the page says them (``_(shift)``).
SHIFTS = (N_("morning"), N_("evening"))


def day_name(day: dt.date) -> str:
    """``Wed 2 Dec``, in the page's language (``बुध 2 दिस॰``)."""
    return languages.day_text(day, "EEE d MMM")


def _relative(day: dt.date, today: dt.date) -> str:
    if day == today - ONE_DAY:
        return _("yesterday")
    if day == today:
        return _("today")
    if day == today + ONE_DAY:
        return _("tomorrow")
    return _("on %(day)s") % {"day": day_name(day)}


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def units(quantity: int, unit: str) -> str:
    return f"{quantity} × {unit}"


def schedule_words(schedule_in: ScheduleIn, unit: str) -> str:
    """A schedule as a person says it: "daily, 2 × 500 ml pouch", "Mon/Wed/Sat, 1 × ...",
    "Mon 1, Sat 2 × ...", "every other day, ...", "every 3 days, ..."."""
    if schedule_in.kind == "weekdays":
        names = languages.weekday_names()
        days = [(names[d], n) for d, n in schedule_in.quantities.model_dump().items() if n]
        if len({n for _d, n in days}) == 1:
            return f"{'/'.join(d for d, _n in days)}, {units(days[0][1], unit)}"
        return f"{', '.join(f'{d} {n}' for d, n in days)} × {unit}"
    amount = units(schedule_in.quantity, unit)
    if schedule_in.kind == "daily":
        return _("daily, %(amount)s") % {"amount": amount}
    if schedule_in.kind == "alternate_days":
        return _("every other day, %(amount)s") % {"amount": amount}
    return _("every %(n)s days, %(amount)s") % {"n": schedule_in.n, "amount": amount}


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One delivery on a day, and what became of it."""

    product: str
    unit: str
    quantity: int
    shift: str
    outcome: str
    state: str
    one_time: bool
    usually: int | None  # the schedule's quantity, when the day was changed
    cancel_order_id: int | None


@dataclass(frozen=True)
class DayChange:
    """A subscription's quantity on a day still open: the override form."""

    key: str
    subscription_id: int
    product: str
    unit: str
    shift: str
    quantity: int
    usual: int
    changed: bool


@dataclass(frozen=True)
class Day:
    date: dt.date
    name: str
    relative: str
    is_past: bool
    is_open: bool
    cutoff_text: str
    lines: list[Line]
    is_paused: bool
    paused: list[str]
    skipped: list[str]
    changes: list[DayChange]

    @property
    def anchor(self) -> str:
        return f"day-{self.date.isoformat()}"


@dataclass(frozen=True)
class PauseView:
    id: int
    what: str
    span: str
    reason: str | None
    on_now: bool
    can_resume: bool
    resume_from: dt.date
    can_call_off: bool


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    product: str
    unit: str
    shift: str
    words: str
    since: str
    status: str
    later: list[str]


def _products(session: Session, ids: set[int]) -> dict[int, Product]:
    return {i: catalog_queries.get_product(session, i) for i in ids}


def _outcome(
    item: UpcomingOrder, status: DeliveryStatus | None, day: dt.date, today: dt.date
) -> tuple[str, str]:
    """What became of a delivery, in words, and its state (a CSS class)."""
    if item.status == "delivered":
        return _("Delivered"), "delivered"
    if item.status == "partially_delivered":
        if status is None:
            return _("Partly delivered"), "partial"
        some = {"delivered": status.quantity_delivered, "ordered": item.quantity}
        return _("Partly delivered: %(delivered)s of %(ordered)s") % some, "partial"
    if item.status == "not_delivered":
        why = REASONS.get((status.reason if status else None) or "", N_("no reason given"))
        return _("Not delivered: %(why)s") % {"why": _(why)}, "not-delivered"
    if day < today:
        return _("Not marked"), "unknown"
    if day == today:
        return _("Coming today"), "coming"
    return "", "planned"


@dataclass
class _OnDay:
    """The subscriptions running on a day: the products paused or skipped that day, the quantity
    forms (a day still open) and the usual quantity of the subscriptions changed that day."""

    is_paused: bool = False
    paused: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    forms: list[DayChange] = field(default_factory=list)
    usual_of_changed: dict[int, int] = field(default_factory=dict)


def _subscriptions_on(
    plans: subscription_queries.CustomerPlans,
    products: dict[int, Product],
    day: dt.date,
    is_open: bool,
) -> _OnDay:
    found = _OnDay()
    for plan in plans.plans:
        due = schedule.due(
            plan, day, pauses=plans.pauses, overrides=plans.overrides.get(plan.subscription_id)
        )
        if due is None:
            continue
        product = products[due.terms.product_id]
        if due.paused:  # a pause wins
            found.is_paused = True
            if due.held_back:
                found.paused.append(product.name)
            continue
        if due.overridden:
            found.usual_of_changed[plan.subscription_id] = due.usual
            if due.skipped:
                found.skipped.append(product.name)
        if is_open:
            found.forms.append(
                DayChange(
                    key=f"{day.isoformat()}:{plan.subscription_id}",
                    subscription_id=plan.subscription_id,
                    product=product.name,
                    unit=product.unit,
                    shift=due.terms.shift,
                    quantity=due.quantity,
                    usual=due.usual,
                    changed=due.overridden,
                )
            )
    return found


def week(session: Session, settings: Settings, customer_id: int, window: Window) -> list[Day]:
    """Yesterday (when something was ordered) and the next ``WEEK`` days from today: the
    deliveries (``orders.queries.upcoming``, as /api/v1/me/orders/upcoming) with what became of
    them, what is paused, and for a day still open the quantity of each subscription."""
    today = window.today
    start = today - ONE_DAY
    upcoming = order_queries.upcoming(session, customer_id, start, WEEK + 1)
    items = [i for i in upcoming.items if i.materialized or i.delivery_date >= today]
    plans = subscription_queries.plans_of_customer(session, customer_id, start, upcoming.end_date)
    statuses = delivery_queries.statuses_of_orders(
        session, [i.order_id for i in items if i.order_id is not None]
    )
    products = _products(
        session,
        {i.product_id for i in items} | {t.product_id for p in plans.plans for t in p.terms},
    )
    days = []
    for day in schedule.dates(start, WEEK + 1):
        is_open = day >= window.first_open
        on_day = _subscriptions_on(plans, products, day, is_open)
        lines = []
        for item in (i for i in items if i.delivery_date == day):
            product = products[item.product_id]
            outcome, state = _outcome(item, statuses.get(item.order_id or 0), day, today)
            one_time = item.subscription_id is None
            usual = on_day.usual_of_changed.get(item.subscription_id or 0)
            lines.append(
                Line(
                    product=product.name,
                    unit=product.unit,
                    quantity=item.quantity,
                    shift=item.shift.value,
                    outcome=outcome,
                    state=state,
                    one_time=one_time,
                    usually=usual if usual != item.quantity else None,
                    cancel_order_id=item.order_id
                    if is_open and one_time and item.status == "scheduled"
                    else None,
                )
            )
        if day < today and not lines:
            continue
        closes = cutoff.cutoff_at(day, settings)
        when = {"time": f"{closes:%H:%M}", "day": _relative(closes.date(), today)}
        days.append(
            Day(
                date=day,
                name=day_name(day),
                relative=_relative(day, today) if day <= today + ONE_DAY else "",
                is_past=day < today,
                is_open=is_open,
                cutoff_text=_("Changes close at %(time)s %(day)s") % when
                if is_open
                else _("Locked: changes closed at %(time)s %(day)s") % when,
                lines=lines,
                is_paused=on_day.is_paused,
                paused=on_day.paused,
                skipped=on_day.skipped,
                changes=on_day.forms,
            )
        )
    return days


def subscriptions(session: Session, customer_id: int, today: dt.date) -> list[SubscriptionView]:
    """The customer's subscriptions, running and upcoming first, each schedule in words."""
    found = subscription_queries.subscriptions_of(session, customer_id)
    reads: list[SubscriptionRead] = subscription_queries.read_subscriptions(session, found, today)
    products = _products(
        session,
        {r.product_id for r in reads} | {t.product_id for r in reads for t in r.upcoming_changes},
    )
    views = []
    for read in sorted(reads, key=lambda r: (r.status == "ended", r.start_date, r.id)):
        product = products[read.product_id]
        start = f"{day_name(read.start_date)} {read.start_date.year}"
        since = _("Since %(day)s") % {"day": start}
        if read.status == "upcoming":
            since = _("Starts %(day)s") % {"day": start}
        if read.effective_from > read.start_date and read.status == "active":
            since += "; " + _("like this since %(day)s") % {"day": day_name(read.effective_from)}
        if read.end_date is not None:
            end = {"day": f"{day_name(read.end_date)} {read.end_date.year}"}
            ended = _("Ended %(day)s") if read.status == "ended" else _("Ends %(day)s")
            since += " · " + ended % end
        views.append(
            SubscriptionView(
                id=read.id,
                product=product.name,
                unit=product.unit,
                shift=read.shift.value,
                words=_first_up(schedule_words(read.schedule, product.unit)),
                since=since,
                status=read.status,
                later=[
                    _("From %(day)s")
                    % {"day": day_name(t.effective_from)}
                    + f": {products[t.product_id].name}, {_(t.shift.value)}, "
                    f"{schedule_words(t.schedule, products[t.product_id].unit)}"
                    for t in read.upcoming_changes
                ],
            )
        )
    return views


def pauses(
    session: Session, customer_id: int, window: Window, subs: list[SubscriptionView]
) -> list[PauseView]:
    """The vacations not over yet, and what the customer may still do with each: resume it
    (from a day still open, after its start) or call off one that has not begun."""
    names = {s.id: f"{s.product} ({_(s.shift)})" for s in subs}
    views = []
    for pause in subscription_queries.list_pauses(
        session, customer_id=customer_id, current_from=window.today
    ):
        what = _("All deliveries")
        if pause.subscription_id is not None:
            what = names.get(pause.subscription_id, _("One subscription"))
        if pause.end_date is None:
            span = _("from %(day)s until you resume") % {"day": day_name(pause.start_date)}
        else:
            span = _("%(first)s to %(last)s") % {
                "first": day_name(pause.start_date),
                "last": day_name(pause.end_date),
            }
        can = pause_rules.options(pause, window)
        views.append(
            PauseView(
                id=pause.id,
                what=what,
                span=span,
                reason=pause.reason,
                on_now=can.on_now,
                can_resume=can.can_resume,
                resume_from=can.resume_from,
                can_call_off=can.can_call_off,
            )
        )
    return views


def offer(session: Session, on: dt.date) -> list[dict[str, Any]]:
    """The products a one-time order can name: on sale, with a price on ``on``."""
    sold = catalog_queries.products_on_sale(session)
    prices = catalog_queries.prices_on(session, [p.id for p in sold], on)
    return [
        {"id": p.id, "name": p.name, "unit": p.unit, "price_paise": prices[p.id]}
        for p in sold
        if p.id in prices
    ]
