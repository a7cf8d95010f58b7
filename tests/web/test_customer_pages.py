"""A customer's own page (/me): the week ahead with what happened, day changes and one-time orders
until the cut-off, vacations taken and ended, subscriptions in words, bills and the balance.

Every form writes what the API would (the same use cases: rows, one audit event, the orders of a
materialized day re-synced); every refusal re-renders the page with the message next to the form
and what was typed, and changes nothing; a customer reaches only its own records; only customers
get in. The browser tests drive the page on a phone."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import service as billing_service
from milkrun.billing import settlement
from milkrun.config import Settings
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate
from milkrun.orders.models import Order
from milkrun.payments.schemas import PaymentCreate
from milkrun.subscriptions.models import Override, Pause, Subscription
from tests import factories
from tests.billing import factories as billing_factories
from tests.factories import ACTOR, Login
from tests.order_book import (
    AFTER_CUTOFF,
    MORNING,
    TODAY,
    TOMORROW,
    Shop,
    audit_count,
    day,
    make_shop,
    orders_of,
)
from tests.web.conftest import LiveServer, log_in

YESTERDAY = TODAY - dt.timedelta(days=1)
NOVEMBER = dt.date(2026, 11, 1)


@dataclass
class Home:
    """The shop with the customer's client logged in and a daily subscription of 2 pouches."""

    shop: Shop
    client: TestClient
    milk: Subscription

    @property
    def me_id(self) -> int:
        return self.shop.me_id


@pytest.fixture
def home(client: TestClient, session: Session, settings: Settings) -> Home:
    shop = make_shop(session, settings)
    shop.dairy.curd.name = "Curd"
    milk = factories.subscription(
        session,
        customer=shop.me_id,
        product=shop.dairy.milk,
        start=day(-10),
        schedule={"kind": "daily", "quantity": 2},
    )
    client.cookies.set(TOKEN_COOKIE, shop.me.token)
    return Home(shop, client, milk)


def _day_card(page: str, on: dt.date) -> str:
    """The HTML of one day's card on the page."""
    start = page.index(">", page.index(f'id="day-{on.isoformat()}"')) + 1
    return page[start : page.index("</article>", start)]


def _deliveries(page: str, on: dt.date) -> str:
    """The visible text of one day's card above its forms: what comes, what happened."""
    return _text(_day_card(page, on).split("<details", 1)[0])


def _form(page: str, action: str, nth: int = 0) -> str:
    """The HTML of the ``nth`` form posting to ``action`` (and what follows it up to the next
    form: the message of a refusal stands there)."""
    start = -1
    for _ in range(nth + 1):
        start = page.index(f'action="{action}"', start + 1)
    end = page.find("<form", start)
    return page[start : end if end != -1 else len(page)]


def _text(fragment: str) -> str:
    """Visible text, roughly: tags dropped, spaces collapsed, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _counts(session: Session) -> tuple[int, int, int, int]:
    def n(model: type[object]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    session.expire_all()
    return n(Override), n(Pause), n(Order), audit_count(session)


def _last_event(session: Session) -> AuditEvent:
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    assert event is not None
    return event


# --- the week ---------------------------------------------------------------------------------


def test_the_week_shows_what_comes_and_what_happened(home: Home, session: Session) -> None:
    shop = home.shop
    admin = shop.admin.user
    generate.materialize(session, YESTERDAY, ACTOR)
    generate.materialize(session, TODAY, ACTOR)
    (yesterdays,) = session.scalars(select(Order).where(Order.delivery_date == YESTERDAY))
    (todays,) = session.scalars(select(Order).where(Order.delivery_date == TODAY))
    billing_factories.deliver(session, yesterdays, 0, by=admin)  # nobody at home
    billing_factories.deliver(session, todays, 1, by=admin)  # partly
    factories.override(session, subscription_id=home.milk.id, day=day(2), quantity=3)
    factories.override(session, subscription_id=home.milk.id, day=day(3), quantity=0)
    factories.pause(session, customer_id=home.me_id, start=day(4), end=day(5))
    factories.one_time_order(
        session, customer_id=home.me_id, product_id=shop.dairy.curd.id, day=TOMORROW, quantity=2
    )

    page = home.client.get("/me")

    assert page.status_code == 200
    text = page.text
    assert _text(_day_card(text, YESTERDAY)).startswith("Yesterday Mon 30 Nov")
    assert "Not delivered: nobody was at home" in _text(_day_card(text, YESTERDAY))
    today = _text(_day_card(text, TODAY))
    assert "Today Tue 1 Dec Locked" in today
    assert "2 × Toned milk" in today
    assert "Partly delivered: 1 of 2" in today
    assert "Locked: changes closed at 22:00 yesterday" in today
    assert 'action="/me/day-quantity"' not in _day_card(text, TODAY)  # locked: no forms
    tomorrow = _text(_day_card(text, TOMORROW))
    assert "2 × Toned milk" in tomorrow
    assert "2 × Curd" in tomorrow
    assert "one-time" in tomorrow
    assert "Changes close at 22:00 today" in tomorrow
    assert "Usually 2. 0 skips the day." in tomorrow  # the form of the milk that day
    assert "3 × Toned milk" in _text(_day_card(text, day(2)))
    assert "usually 2" in _text(_day_card(text, day(2)))
    assert "Nothing (skipped)" in _text(_day_card(text, day(3)))
    assert "Nothing (paused)" in _text(_day_card(text, day(4)))
    assert "Changes close at 22:00 on Fri 4 Dec" in _text(_day_card(text, day(4)))
    assert f'id="day-{day(6).isoformat()}"' in text
    assert f'id="day-{day(7).isoformat()}"' not in text  # seven days from today


def test_after_the_cut_off_tomorrow_is_locked_with_the_time(home: Home) -> None:
    clock.freeze(AFTER_CUTOFF)

    page = home.client.get("/me")

    tomorrow = _day_card(page.text, TOMORROW)
    assert "Locked: changes closed at 22:00 today" in _text(tomorrow)
    assert "/me/day-quantity" not in tomorrow
    assert "/me/orders" not in tomorrow
    assert "Changes close at 22:00 tomorrow" in _text(_day_card(page.text, day(2)))


def test_subscriptions_in_words(home: Home, session: Session) -> None:
    shop = home.shop
    factories.subscription(
        session,
        customer=home.me_id,
        product=shop.dairy.curd,
        start=day(-30),
        schedule={"kind": "weekdays", "quantities": {"mon": 1, "wed": 1, "sat": 1}},
    )
    factories.subscription(
        session,
        customer=home.me_id,
        product=shop.dairy.milk,
        start=day(3),
        schedule={"kind": "every_n_days", "n": 3, "quantity": 1},
    )

    text = _text(home.client.get("/me").text)

    section = text[text.index("My subscriptions") : text.index("My bills")]
    assert "Daily, 2 × 500 ml pouch Since Sat 21 Nov 2026" in section
    assert "Mon/Wed/Sat, 1 × 500 ml pouch Since Sun 1 Nov 2026" in section
    assert "Every 3 days, 1 × 500 ml pouch Starts Fri 4 Dec 2026" in section


# --- day changes --------------------------------------------------------------------------------


def test_changing_tomorrows_quantity_resyncs_its_orders(home: Home, session: Session) -> None:
    generate.materialize(session, TOMORROW, ACTOR)
    assert orders_of(session, TOMORROW) == {home.milk.id: 2}
    before = _counts(session)

    answer = home.client.post(
        "/me/day-quantity",
        data={
            "delivery_date": TOMORROW.isoformat(),
            "subscription_id": str(home.milk.id),
            "quantity": "3",
        },
        follow_redirects=False,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/me?done=quantity&on=2026-12-02#day-2026-12-02"
    overrides, pauses, orders, events = _counts(session)
    assert (overrides, pauses, orders, events) == (before[0] + 1, *before[1:3], before[3] + 1)
    event = _last_event(session)
    assert (event.action, event.customer_id) == ("override.set", home.me_id)
    assert event.after is not None
    assert "orders_resynced" in event.after
    assert orders_of(session, TOMORROW) == {home.milk.id: 3}  # the materialized day follows
    page = home.client.get(answer.headers["location"])
    card = _text(_day_card(page.text, TOMORROW))
    assert "Wed 2 Dec: changed." in card
    assert "3 × Toned milk" in card
    assert "usually 2" in card


def test_zero_skips_the_day_and_back_to_usual_undoes_it(home: Home, session: Session) -> None:
    generate.materialize(session, TOMORROW, ACTOR)
    form = {"delivery_date": TOMORROW.isoformat(), "subscription_id": str(home.milk.id)}
    before = _counts(session)

    skipped = home.client.post("/me/day-quantity", data={**form, "quantity": "0"})

    assert skipped.status_code == 200
    assert "Wed 2 Dec: skipped." in skipped.text
    assert "Nothing (skipped)" in _text(_day_card(skipped.text, TOMORROW))
    assert orders_of(session, TOMORROW) == {}
    assert orders_of(session, TOMORROW, status="cancelled") == {home.milk.id: 2}

    usual = home.client.post("/me/day-usual", data=form, follow_redirects=False)

    assert usual.status_code == 303
    assert "done=usual" in usual.headers["location"]
    assert _counts(session) == (before[0], before[1], before[2], before[3] + 2)
    assert _last_event(session).action == "override.clear"
    assert orders_of(session, TOMORROW) == {home.milk.id: 2}


def test_a_one_time_order_and_its_cancellation(home: Home, session: Session) -> None:
    curd = home.shop.dairy.curd
    before = _counts(session)

    answer = home.client.post(
        "/me/orders",
        data={"delivery_date": day(2).isoformat(), "product_id": str(curd.id), "quantity": "2"},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    assert answer.headers["location"].endswith("#day-2026-12-03")
    (order,) = session.scalars(select(Order).where(Order.customer_id == home.me_id))
    assert (order.product_id, order.quantity, order.subscription_id) == (curd.id, 2, None)
    assert (order.delivery_date, order.unit_price_paise, order.status) == (
        day(2),
        3500,
        "scheduled",
    )
    assert _counts(session)[3] == before[3] + 1
    assert _last_event(session).action == "order.create"
    card = _text(_day_card(home.client.get(answer.headers["location"]).text, day(2)))
    assert "2 × Curd" in card
    assert "one-time" in card

    cancelled = home.client.post("/me/orders/cancel", data={"order_id": str(order.id)})

    assert cancelled.status_code == 200
    assert "Thu 3 Dec: one-time order cancelled." in cancelled.text
    session.refresh(order)
    assert order.status == "cancelled"
    assert _counts(session)[3] == before[3] + 2
    assert "Curd" not in _deliveries(cancelled.text, day(2))


# --- vacations ----------------------------------------------------------------------------------


def test_a_vacation_of_everything_taken_and_ended_early(home: Home, session: Session) -> None:
    generate.materialize(session, TOMORROW, ACTOR)
    generate.materialize(session, day(2), ACTOR)
    before = _counts(session)

    answer = home.client.post(
        "/me/pauses",
        data={
            "subscription_id": "",
            "start_date": TOMORROW.isoformat(),
            "end_date": day(4).isoformat(),
            "reason": " Going to Mysuru ",
        },
        follow_redirects=False,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/me?done=paused&on=2026-12-02#vacations"
    (pause,) = session.scalars(select(Pause))
    assert (pause.customer_id, pause.subscription_id) == (home.me_id, None)
    assert (pause.start_date, pause.end_date, pause.reason) == (TOMORROW, day(4), "Going to Mysuru")
    assert _counts(session)[3] == before[3] + 1
    assert _last_event(session).action == "pause.create"
    assert orders_of(session, TOMORROW) == {}  # the materialized days re-synced
    assert orders_of(session, day(2)) == {}
    page = home.client.get(answer.headers["location"]).text
    vacations = _text(page[page.index('id="vacations"') : page.index('id="subscriptions"')])
    assert "Deliveries paused from Wed 2 Dec." in vacations
    assert "All deliveries: Wed 2 Dec to Sat 5 Dec" in vacations
    assert "Going to Mysuru" in vacations
    assert "Nothing (paused)" in _text(_day_card(page, TOMORROW))

    resumed = home.client.post(
        "/me/pauses/resume",
        data={"pause_id": str(pause.id), "resume_on": day(2).isoformat()},
        follow_redirects=False,
    )

    assert resumed.status_code == 303
    session.refresh(pause)
    assert pause.end_date == TOMORROW  # the last day off is the day before deliveries start
    assert _counts(session)[3] == before[3] + 2
    assert _last_event(session).action == "pause.update"
    assert orders_of(session, day(2)) == {home.milk.id: 2}  # delivered again
    assert orders_of(session, TOMORROW) == {}
    page = home.client.get(resumed.headers["location"]).text
    assert "Deliveries start again on Thu 3 Dec." in page
    assert "2 × Toned milk" in _text(_day_card(page, day(2)))
    assert "Nothing (paused)" in _text(_day_card(page, TOMORROW))


def test_pausing_one_subscription_until_resumed_then_calling_it_off(
    home: Home, session: Session
) -> None:
    curd = factories.subscription(session, customer=home.me_id, product=home.shop.dairy.curd)
    generate.materialize(session, day(2), ACTOR)
    before = _counts(session)

    home.client.post(
        "/me/pauses", data={"subscription_id": str(curd.id), "start_date": day(2).isoformat()}
    )

    (pause,) = session.scalars(select(Pause))
    assert (pause.subscription_id, pause.start_date, pause.end_date) == (curd.id, day(2), None)
    assert _counts(session)[3] == before[3] + 1
    assert orders_of(session, day(2)) == {home.milk.id: 2}  # the curd only is paused
    page = home.client.get("/me").text
    assert "Curd (morning): from Thu 3 Dec until you resume" in _text(page)
    card = _text(_day_card(page, day(2)))
    assert "2 × Toned milk" in card
    assert "Curd paused" in card

    called_off = home.client.post("/me/pauses/call-off", data={"pause_id": str(pause.id)})

    assert called_off.status_code == 200
    assert "Vacation called off." in called_off.text
    assert session.scalars(select(Pause)).all() == []
    assert _counts(session)[3] == before[3] + 2
    assert _last_event(session).action == "pause.delete"
    assert orders_of(session, day(2)) == {home.milk.id: 2, curd.id: 1}


# --- refusals -----------------------------------------------------------------------------------


def test_a_quantity_after_the_cut_off_is_refused_with_the_time(
    home: Home, session: Session
) -> None:
    clock.freeze(AFTER_CUTOFF)
    before = _counts(session)

    page = home.client.post(
        "/me/day-quantity",
        data={
            "delivery_date": TOMORROW.isoformat(),
            "subscription_id": str(home.milk.id),
            "quantity": "3",
        },
    )

    assert page.status_code == 409
    assert "closed at 22:00 on Tue 01 Dec" in page.text
    assert 'role="alert"' in page.text
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("100", "Quantity: a whole number from 0 (skips the day) to 99"),
        ("-1", "Quantity: a whole number from 0 (skips the day) to 99"),
        ("two", "Quantity: a whole number from 0 (skips the day) to 99"),
    ],
)
def test_a_quantity_out_of_range_is_refused_next_to_its_form(
    home: Home, session: Session, quantity: str, message: str
) -> None:
    before = _counts(session)

    page = home.client.post(
        "/me/day-quantity",
        data={
            "delivery_date": TOMORROW.isoformat(),
            "subscription_id": str(home.milk.id),
            "quantity": quantity,
        },
    )

    assert page.status_code == 400
    card = _day_card(page.text, TOMORROW)
    assert '<details class="change" open>' in card  # the day's forms are open
    form = _form(card, "/me/day-quantity")
    assert f'value="{quantity}" autofocus' in form  # what was typed, focused
    assert message in _text(card)
    assert page.text.count('role="alert"') == 1  # next to the form only
    assert _counts(session) == before


def test_a_day_outside_the_subscription_is_refused(home: Home, session: Session) -> None:
    later = factories.subscription(
        session, customer=home.me_id, product=home.shop.dairy.curd, start=day(4)
    )
    before = _counts(session)

    page = home.client.post(
        "/me/day-quantity",
        data={
            "delivery_date": day(2).isoformat(),
            "subscription_id": str(later.id),
            "quantity": "1",
        },
    )

    assert page.status_code == 400
    assert "is outside the subscription" in page.text
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"product_id": "999999", "quantity": "1"}, 400, "There is no product 999999"),
        ({"product_id": "", "quantity": "1"}, 400, "Choose a product from the list"),
        ({"product_id": "curd", "quantity": "0"}, 400, "Quantity: a whole number from 1 to 99"),
        ({"product_id": "curd", "quantity": "250"}, 400, "Quantity: a whole number from 1 to 99"),
    ],
)
def test_a_one_time_order_that_cannot_be_made_says_why(
    home: Home, session: Session, form: dict[str, str], status: int, message: str
) -> None:
    curd = home.shop.dairy.curd
    data = {k: str(curd.id) if v == "curd" else v for k, v in form.items()}
    before = _counts(session)

    page = home.client.post("/me/orders", data={"delivery_date": day(2).isoformat(), **data})

    assert page.status_code == status
    card = _day_card(page.text, day(2))
    assert message in _text(_form(card, "/me/orders"))
    assert f'value="{data["quantity"]}"' in _form(card, "/me/orders")
    assert _counts(session) == before


def test_a_one_time_order_after_the_cut_off_is_refused(home: Home, session: Session) -> None:
    clock.freeze(AFTER_CUTOFF)
    before = _counts(session)

    page = home.client.post(
        "/me/orders",
        data={
            "delivery_date": TOMORROW.isoformat(),
            "product_id": str(home.shop.dairy.curd.id),
            "quantity": "1",
        },
    )

    assert page.status_code == 409
    # Tomorrow shows no form any more: the message stands at the top.
    assert "Changes for Wed 02 Dec 2026 closed at 22:00" in page.text
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("start", "end", "status", "message"),
    [
        (day(3), day(2), 400, "The end date 2026-12-03 is before the start date 2026-12-04"),
        (TODAY, None, 409, "Changes for Tue 01 Dec 2026 closed at 22:00"),
        (None, None, 400, "Choose the first day without deliveries"),
    ],
)
def test_a_vacation_that_cannot_be_taken_says_why(
    home: Home,
    session: Session,
    start: dt.date | None,
    end: dt.date | None,
    status: int,
    message: str,
) -> None:
    before = _counts(session)
    typed = {
        "subscription_id": str(home.milk.id),
        "start_date": start.isoformat() if start else "",
        "end_date": end.isoformat() if end else "",
        "reason": "Wedding",
    }

    page = home.client.post("/me/pauses", data=typed)

    assert page.status_code == status
    form = _form(page.text, "/me/pauses")
    assert message in _text(form)
    assert f'<option value="{home.milk.id}" selected>' in form
    assert (
        f'name="start_date" min="2026-12-02" required\n        value="{typed["start_date"]}"'
        in (form)
    )
    assert 'value="Wedding"' in form
    assert _counts(session) == before


def test_an_overlapping_vacation_is_refused(home: Home, session: Session) -> None:
    factories.pause(session, customer_id=home.me_id, start=day(2), end=day(4))
    before = _counts(session)

    page = home.client.post(
        "/me/pauses", data={"start_date": day(3).isoformat(), "end_date": day(6).isoformat()}
    )

    assert page.status_code == 409
    assert "already covers" in _text(_form(page.text, "/me/pauses"))
    assert _counts(session) == before


def test_resuming_on_or_before_the_start_is_refused(home: Home, session: Session) -> None:
    pause = factories.pause(session, customer_id=home.me_id, start=day(3), end=None)
    before = _counts(session)

    page = home.client.post(
        "/me/pauses/resume", data={"pause_id": str(pause.id), "resume_on": day(2).isoformat()}
    )

    assert page.status_code == 400
    form = _text(_form(page.text, "/me/pauses/resume"))
    assert "This vacation starts on Fri 4 Dec: choose a later day" in form
    assert _counts(session) == before


def test_a_vacation_begun_cannot_be_called_off(home: Home, session: Session) -> None:
    pause = factories.pause(session, customer_id=home.me_id, start=YESTERDAY, end=day(3))
    before = _counts(session)

    page = home.client.post("/me/pauses/call-off", data={"pause_id": str(pause.id)})

    assert page.status_code == 409
    assert "resume it by setting its end date" in page.text
    assert "/me/pauses/call-off" not in page.text  # the page offers no call-off for it
    assert _counts(session) == before


# --- one customer's records only; customers only ------------------------------------------------


def test_another_customers_records_are_not_found(home: Home, session: Session) -> None:
    shop = home.shop
    theirs = factories.subscription(session, customer=shop.other_id, product=shop.dairy.milk)
    their_pause = factories.pause(session, customer_id=shop.other_id, start=day(3), end=day(4))
    their_order = factories.one_time_order(
        session, customer_id=shop.other_id, product_id=shop.dairy.curd.id, day=day(2)
    )
    before = _counts(session)
    attempts = [
        (
            "/me/day-quantity",
            {
                "delivery_date": day(2).isoformat(),
                "subscription_id": str(theirs.id),
                "quantity": "5",
            },
            f"There is no subscription {theirs.id}",
        ),
        (
            "/me/day-usual",
            {"delivery_date": day(2).isoformat(), "subscription_id": str(theirs.id)},
            f"There is no subscription {theirs.id}",
        ),
        (
            "/me/pauses",
            {"subscription_id": str(theirs.id), "start_date": day(2).isoformat()},
            f"There is no subscription {theirs.id}",
        ),
        (
            "/me/pauses/resume",
            {"pause_id": str(their_pause.id), "resume_on": day(4).isoformat()},
            f"There is no pause {their_pause.id}",
        ),
        ("/me/pauses/call-off", {"pause_id": str(their_pause.id)}, "There is no pause"),
        ("/me/orders/cancel", {"order_id": str(their_order.id)}, "There is no order"),
        ("/me/pauses/call-off", {"pause_id": "x1"}, "There is no pause 'x1'"),
    ]

    for action, form, message in attempts:
        page = home.client.post(action, data=form)
        assert page.status_code == 404, action
        assert message in html.unescape(page.text), action

    assert _counts(session) == before
    session.refresh(their_order)
    assert their_order.status == "scheduled"
    # Nor does my page show any of theirs.
    mine = home.client.get("/me").text
    assert "Wed 2 Dec to" not in mine
    assert "Curd" not in _deliveries(mine, day(2))


def test_each_customer_sees_its_own_page(home: Home, session: Session) -> None:
    shop = home.shop
    factories.pause(session, customer_id=home.me_id, start=day(3), end=day(4), reason="Ooty")
    home.client.cookies.set(TOKEN_COOKIE, shop.other.token)

    theirs = home.client.get("/me").text

    assert "Hello, Meera Nair" in theirs
    assert "Ooty" not in theirs
    assert "No vacation planned." in theirs
    assert "No subscriptions yet" in theirs
    assert "Toned milk" not in _deliveries(theirs, TOMORROW)


@pytest.mark.parametrize("who", ["nobody", "admin", "delivery_boy"])
def test_only_customers_get_in(
    client: TestClient,
    session: Session,
    settings: Settings,
    admin: Login,
    delivery_boy: Login,
    who: str,
) -> None:
    make_shop(session, settings)
    if who != "nobody":
        client.cookies.set(TOKEN_COOKIE, {"admin": admin, "delivery_boy": delivery_boy}[who].token)
    before = _counts(session)

    page = client.get("/me", follow_redirects=False)
    posted = client.post(
        "/me/pauses",
        data={"start_date": TOMORROW.isoformat(), "end_date": day(2).isoformat()},
        follow_redirects=False,
    )

    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/me"
    assert posted.status_code == 303
    assert posted.headers["location"] == "/login?next=/me"
    assert _counts(session) == before


# --- bills ----------------------------------------------------------------------------------------


def test_bills_with_their_pdf_and_the_balance(home: Home, session: Session) -> None:
    shop = home.shop
    admin = shop.admin.user
    for n in (3, 4, 5):
        made = billing_factories.order(
            session,
            customer_id=home.me_id,
            product_id=shop.dairy.milk.id,
            day=NOVEMBER + dt.timedelta(days=n),
            quantity=2,
            price_paise=2800,
        )
        billing_factories.deliver(session, made, by=admin)
    billing_factories.close_month(session, NOVEMBER)
    billing_service.run_billing(
        session, NOVEMBER, ACTOR, shop.dairy.settings, finalize=True, today=TODAY
    )
    settlement.receive_payment(
        session,
        PaymentCreate(customer_id=home.me_id, amount=Decimal("100.00"), method="upi"),
        ACTOR,
    )
    theirs = billing_factories.issued_invoice(session, shop.other_id, total_paise=5000)

    page = home.client.get("/me")

    bills = _text(page.text[page.text.index('id="bills"') :])
    assert "You owe ₹68.00" in bills
    assert "November 2026 Partly paid" in bills
    assert (
        "Previous balance ₹0.00 Payments and credits since ₹0.00 This bill ₹168.00"
        " Total due on the bill ₹168.00 Paid ₹100.00 Balance due ₹68.00 by 11 Dec"
    ) in bills
    assert "Payment UPI" in bills
    assert "upi://" not in page.text  # the dairy has no UPI ID: nothing UPI on the bills
    (link,) = [part.split('"')[0] for part in page.text.split('href="/api/v1/invoices/')[1:]]
    pdf = home.client.get(f"/api/v1/invoices/{link}")  # the page's cookie opens it
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert home.client.get(f"/api/v1/invoices/{theirs.id}/pdf").status_code == 404


# --- on a phone ---------------------------------------------------------------------------------


@dataclass
class Household:
    phone: str
    subscription_id: int


@pytest.fixture
def household(live_server: LiveServer) -> Household:
    """A customer with a login and a daily pouch of milk, on the live server, on the morning of
    Tuesday 1 December."""
    clock.freeze(MORNING)
    with live_server.database.session_scope() as session:
        route = factories.route(session, name="Indiranagar North")
        user = factories.customer_user(session, route=route, name="Asha Iyer")
        milk = factories.product(session, price="28.00")
        subscription = factories.subscription(
            session, customer=user.customer_id or 0, product=milk, start=day(-10)
        )
        assert user.phone is not None
        return Household(user.phone, subscription.id)


def _page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


@pytest.mark.browser
def test_on_a_phone_a_vacation_taken_and_ended(
    phone_page: Page, live_server: LiveServer, household: Household
) -> None:
    page = phone_page
    log_in(page, live_server.url, household.phone)
    expect(page).to_have_url(f"{live_server.url}/me")
    assert _page_width(page) <= 375

    page.get_by_role("link", name="Vacations").click()
    form = page.locator("form.pause-form")
    expect(form.get_by_label("From")).to_have_value(TOMORROW.isoformat())  # the first open day
    form.get_by_label("To (last day off)").fill(day(4).isoformat())
    form.get_by_label("Note for the dairy").fill("Going to Mysuru")
    form.get_by_role("button", name="Pause deliveries").click()

    expect(page.locator("#vacations [role=status]")).to_have_text(
        "Deliveries paused from Wed 2 Dec."
    )
    pause = page.locator("article.pause")
    expect(pause).to_contain_text("All deliveries: Wed 2 Dec to Sat 5 Dec")
    expect(page.locator(f"#day-{TOMORROW.isoformat()}")).to_contain_text("Nothing (paused)")
    expect(page.locator(f"#day-{day(3).isoformat()}")).to_contain_text("Nothing (paused)")

    pause.get_by_label("Deliveries again from").fill(day(3).isoformat())
    pause.get_by_role("button", name="Resume").click()

    expect(page.locator("#vacations [role=status]")).to_have_text(
        "Deliveries start again on Fri 4 Dec."
    )
    expect(page.locator("article.pause")).to_contain_text("All deliveries: Wed 2 Dec to Thu 3 Dec")
    expect(page.locator(f"#day-{day(3).isoformat()}")).to_contain_text("1 × Toned milk")
    expect(page.locator(f"#day-{day(2).isoformat()}")).to_contain_text("Nothing (paused)")
    assert _page_width(page) <= 375
    with live_server.database.session_scope() as session:
        (saved,) = session.scalars(select(Pause))
        assert (saved.start_date, saved.end_date) == (TOMORROW, day(2))


@pytest.mark.browser
def test_on_a_phone_tomorrows_quantity_changed_and_shown(
    phone_page: Page, live_server: LiveServer, household: Household
) -> None:
    page = phone_page
    log_in(page, live_server.url, household.phone)
    tomorrow = page.locator(f"#day-{TOMORROW.isoformat()}")
    expect(tomorrow).to_contain_text("1 × Toned milk")
    expect(tomorrow).to_contain_text("Changes close at 22:00 today")
    quantity = tomorrow.get_by_label("Quantity of Toned milk")
    expect(quantity).to_be_hidden()  # folded until asked for

    tomorrow.get_by_text("Change tomorrow").click()
    quantity.fill("3")
    tomorrow.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/me?done=quantity&on=2026-12-02#day-2026-12-02")
    tomorrow = page.locator(f"#day-{TOMORROW.isoformat()}")
    expect(tomorrow.get_by_role("status")).to_have_text("Wed 2 Dec: changed.")
    expect(tomorrow.locator(".line")).to_contain_text("3 × Toned milk")
    expect(tomorrow.locator(".line")).to_contain_text("usually 1")
    expect(tomorrow).to_be_in_viewport()
    assert _page_width(page) <= 375
    with live_server.database.session_scope() as session:
        (override,) = session.scalars(select(Override))
        assert (override.subscription_id, override.delivery_date, override.quantity) == (
            household.subscription_id,
            TOMORROW,
            3,
        )
