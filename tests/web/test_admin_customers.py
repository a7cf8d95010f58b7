"""The owner's customers (/admin/customers): the list with search, filters and a count; adding a
customer with its login (a phone in any format); changing one and placing it on a route;
deactivating with what happens said first; the customer's page; the subscription forms with the
staff cut-off (a locked day needs a reason, which is audited). Every refusal shows the form again
with the message and what was typed, and changes nothing."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.auth import queries as auth_queries
from milkrun.billing import dues, ledger
from milkrun.billing import service as billing_service
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate
from milkrun.orders.models import Order, OrderStatus
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms
from tests import factories
from tests.billing import factories as billing_factories
from tests.factories import ACTOR
from tests.order_book import IST, TODAY, TOMORROW, Dairy, day, make_dairy

NOVEMBER = dt.date(2026, 11, 1)
HELD_PHONE = "+919870000001"


@pytest.fixture
def dairy(session: Session, settings: Settings) -> Dairy:
    return make_dairy(session, settings)


@pytest.fixture
def owner(client: TestClient, session: Session, dairy: Dairy) -> TestClient:
    admin = factories.login(session, factories.admin_user(session, name="Priya Admin"))
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _customers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer)) or 0


def _events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


# --- the list -------------------------------------------------------------------------------


def test_search_by_name_phone_in_any_format_or_address(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    meera = factories.customer(session, name="Meera Nair", phone_number="+919845012345")
    meera.address = "4 Lavelle Road"
    session.flush()
    for query in ("meera", "98450 12345", "098450-12345", "lavelle"):
        page = _text(owner.get("/admin/customers", params={"q": query}).text)
        assert "Meera Nair" in page, query
        assert "Asha Iyer" not in page, query
        assert "Showing 1 of 1 customer" in page, query


def test_filters_route_waiting_inactive_and_dues(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    waiting = factories.customer(session, name="Kiran Waiting")
    gone = factories.customer(session, name="Anil Gone", route=dairy.route)
    gone.is_active = False
    made = billing_factories.order(
        session,
        customer_id=dairy.neighbour.id,
        product_id=dairy.milk.id,
        day=NOVEMBER + dt.timedelta(days=3),
        quantity=2,
        price_paise=2800,
    )
    billing_factories.deliver(session, made, by=factories.admin_user(session))
    billing_factories.close_month(session, NOVEMBER, today=TODAY)
    billing_service.run_billing(
        session, NOVEMBER, ACTOR, dairy.settings, finalize=True, today=TODAY
    )

    everyone = _text(owner.get("/admin/customers").text)
    assert "Showing 3 of 3 customers" in everyone  # active by default
    assert "Anil Gone" not in everyone
    assert "₹56.00" in everyone  # Ravi's dues, Indian grouping

    on_route = _text(owner.get("/admin/customers", params={"route": dairy.route.id}).text)
    assert "Showing 2 of 2" in on_route
    assert "Kiran Waiting" not in on_route

    page = _text(owner.get("/admin/customers", params={"route": "waiting"}).text)
    assert "Showing 1 of 1" in page
    assert "Kiran Waiting" in page
    assert waiting.route_id is None

    page = _text(owner.get("/admin/customers", params={"status": "inactive"}).text)
    assert "Anil Gone" in page
    assert "Showing 1 of 1" in page

    page = _text(owner.get("/admin/customers", params={"owing": "1"}).text)
    assert "Showing 1 of 1" in page
    assert "Ravi Shankar" in page
    assert dues.balances_of(session, [dairy.neighbour.id]) == {
        dairy.neighbour.id: ledger.balance(session, dairy.neighbour.id, IST)
    }


def test_a_long_list_is_paginated_with_the_count(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    for n in range(55):
        factories.customer(session, name=f"Customer {n:02d}")
    first = owner.get("/admin/customers", params={"q": "customer"})
    assert "Showing 50 of 55 customers" in _text(first.text)
    found = re.search(r'href="(\?[^"]*cursor=[^"]*)"', first.text)
    assert found is not None
    link = html.unescape(found.group(1))
    second = _text(owner.get("/admin/customers" + link).text)
    assert "Showing 5 of 55 customers" in second
    assert "Customer 54" in second


# --- adding and changing ------------------------------------------------------------------------


def test_add_a_customer_with_its_login_and_a_phone_in_any_format(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    posted = owner.post(
        "/admin/customers/new",
        data={
            "name": "Lakshmi Rao",
            "phone": "098450 22222",
            "email": "",
            "address": "7 Church Street",
            "area": "Indiranagar",
            "route_id": str(dairy.route.id),
            "password": "milk-every-day",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    customer = session.scalar(select(Customer).where(Customer.name == "Lakshmi Rao"))
    assert customer is not None
    assert customer.phone == "+919845022222"
    assert customer.route_id == dairy.route.id
    login = auth_queries.login_of_customer(session, customer.id)
    assert login is not None
    assert login.phone == "+919845022222"
    assert posted.headers["location"] == f"/admin/customers/{customer.id}?done=created"
    page = _text(owner.get(posted.headers["location"]).text)
    assert "Customer added." in page
    assert "Login: +919845022222" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "Phone: a mobile or landline number"),
        ("phone", "12345", "is not a valid phone number"),
        ("phone", HELD_PHONE, "already has the phone"),
        ("password", "short", "The password needs 8 to 128 characters"),
        ("name", "", "Name: 1 to 120 characters"),
        ("route_id", "999999", "There is no active route"),
    ],
)
def test_a_refused_new_customer_is_shown_again_and_nothing_is_added(
    owner: TestClient, session: Session, dairy: Dairy, field: str, value: str, message: str
) -> None:
    factories.customer(session, name="Holder", phone_number=HELD_PHONE)
    before, events = _customers(session), _events(session)
    form = {
        "name": "Lakshmi Rao",
        "phone": "98450 33333",
        "address": "7 Church Street",
        "area": "Indiranagar",
        "route_id": "",
        "password": "",
        field: value,
    }
    page = owner.post("/admin/customers/new", data=form)
    assert page.status_code in (400, 404, 409), page.text
    assert message in html.unescape(page.text)
    if field != "name":
        assert 'value="Lakshmi Rao"' in page.text
    assert 'value="7 Church Street"' in page.text
    assert _customers(session) == before
    assert _events(session) == events


def test_a_waiting_customer_is_placed_on_a_route_from_the_edit_form(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    waiting = factories.customer(session, name="Kiran Waiting")
    form = owner.get(f"/admin/customers/{waiting.id}/edit")
    assert form.status_code == 200
    assert 'value="Kiran Waiting"' in form.text
    posted = owner.post(
        f"/admin/customers/{waiting.id}/edit",
        data={
            "name": "Kiran Rao",
            "phone": waiting.phone,
            "email": "",
            "address": waiting.address,
            "area": waiting.area,
            "route_id": str(dairy.route.id),
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    session.refresh(waiting)
    assert waiting.route_id == dairy.route.id
    assert waiting.name == "Kiran Rao"

    refused = owner.post(
        f"/admin/customers/{waiting.id}/edit",
        data={"name": "Kiran R", "phone": "not a phone", "address": "x", "area": "y"},
    )
    assert refused.status_code == 400
    assert 'value="not a phone"' in refused.text
    session.refresh(waiting)
    assert waiting.name == "Kiran Rao"


# --- leaving ------------------------------------------------------------------------------------


def test_deactivation_says_what_happens_then_does_it(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    for d in (TODAY, TOMORROW, day(2)):
        generate.materialize(session, d, ACTOR)
    asked = _text(owner.get(f"/admin/customers/{dairy.customer.id}/deactivate").text)
    assert "No deliveries from Wed 02 Dec 2026 on." in asked
    assert "1 subscription stop delivering" in asked
    assert "2 orders already made for 02 Dec or later are cancelled." in asked
    assert "1 order before then (past the cut-off) still goes out." in asked

    done = owner.post(f"/admin/customers/{dairy.customer.id}/deactivate", follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert not session.get_one(Customer, dairy.customer.id).is_active
    statuses = dict(
        session.execute(
            select(Order.delivery_date, Order.status).where(Order.customer_id == dairy.customer.id)
        ).all()
    )
    assert statuses == {
        TODAY: OrderStatus.scheduled,
        TOMORROW: OrderStatus.cancelled,
        day(2): OrderStatus.cancelled,
    }
    again = owner.post(f"/admin/customers/{dairy.customer.id}/deactivate")
    assert again.status_code == 409
    assert "already inactive" in again.text

    back = owner.post(f"/admin/customers/{dairy.customer.id}/reactivate", follow_redirects=False)
    assert back.status_code == 303
    session.expire_all()
    assert session.get_one(Customer, dairy.customer.id).is_active
    assert (
        session.scalar(
            select(Order.status).where(
                Order.customer_id == dairy.customer.id, Order.delivery_date == TOMORROW
            )
        )
        == OrderStatus.scheduled
    )


# --- the customer's page and its subscription forms ---------------------------------------------


def _page(owner: TestClient, dairy: Dairy) -> str:
    return f"/admin/customers/{dairy.customer.id}"


def test_the_customer_page_shows_subscriptions_week_money_and_history(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    generate.materialize(session, TODAY, ACTOR)
    page = owner.get(_page(owner, dairy))
    assert page.status_code == 200
    text = _text(page.text)
    assert "Toned milk" in text
    assert "Daily, 1 × 500 ml pouch" in text
    assert "This week's orders" in text
    assert "1 × Toned milk" in text
    assert "All paid up" in text
    assert "Subscription started by" in text
    assert owner.get("/admin/customers/999999").status_code == 404
    assert "text/html" in owner.get("/admin/customers/999999").headers["content-type"]


def test_the_jump_navigation_names_every_section_in_page_order(
    owner: TestClient, dairy: Dairy
) -> None:
    page = owner.get(_page(owner, dairy)).text
    nav = re.search(r'<nav class="me-nav" aria-label="On this page">(.*?)</nav>', page)
    assert nav is not None
    jumps = re.findall(r'href="#([\w-]+)">([^<]+)</a>', nav.group(1))
    sections = re.findall(r'<section id="([\w-]+)"', page)
    assert [anchor for anchor, _label in jumps] == sections
    assert ("messages", "Messages") in jumps


def test_owner_adds_a_subscription_and_a_refusal_keeps_what_was_typed(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    url = _page(owner, dairy)
    form = {
        "product_id": str(dairy.milk.id),
        "start_date": TOMORROW.isoformat(),
        "shift": "morning",
        "kind": "weekdays",
        "qty_mon": "2",
        "qty_sat": "1",
    }
    refused = owner.post(f"{url}/subscriptions", data={**form, "qty_mon": "", "qty_sat": ""})
    assert refused.status_code == 400
    assert "How many" in refused.text
    assert 'value="weekdays" selected' in refused.text
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0

    done = owner.post(f"{url}/subscriptions", data=form, follow_redirects=False)
    assert done.status_code == 303
    page = _text(owner.get(done.headers["location"]).text)
    assert "Subscription added." in page
    assert "Mon 2, Sat 1 × 500 ml pouch" in page


def test_terms_from_a_later_date_are_shown_as_planned(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    milk = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    done = owner.post(
        f"{_page(owner, dairy)}/subscriptions/{milk.id}/terms",
        data={"effective_from": day(5).isoformat(), "kind": "daily", "quantity": "3"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = _text(owner.get(_page(owner, dairy)).text)
    assert "planned From Sun 6 Dec: Toned milk, morning, daily, 3 × 500 ml pouch" in page
    assert (
        session.scalar(select(func.count()).where(SubscriptionTerms.subscription_id == milk.id))
        == 2
    )


def test_a_locked_day_needs_a_reason_which_is_audited(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    milk = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    url = f"{_page(owner, dairy)}/day"
    form = {"subscription_id": str(milk.id), "delivery_date": TODAY.isoformat(), "quantity": "0"}
    events = _events(session)
    refused = owner.post(url, data=form)
    assert refused.status_code == 400
    assert "past the customers' cut-off: say why" in html.unescape(refused.text)
    assert session.scalar(select(func.count()).select_from(Override)) == 0
    assert _events(session) == events

    done = owner.post(url, data={**form, "reason": "customer phoned at 6"}, follow_redirects=False)
    assert done.status_code == 303
    assert session.scalar(select(Override.quantity)) == 0
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.after is not None
    assert event.action == "override.set"
    assert event.after["after_cutoff"] is True
    assert event.after["late_reason"] == "customer phoned at 6"
    page = _text(owner.get(_page(owner, dairy)).text)
    assert "Reason: customer phoned at 6" in page
    assert "after the cut-off" in page

    open_day = {**form, "delivery_date": day(3).isoformat(), "quantity": "2"}
    assert owner.post(url, data=open_day, follow_redirects=False).status_code == 303


def test_pause_all_open_ended_then_end_it(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    url = _page(owner, dairy)
    refused = owner.post(
        f"{url}/pauses",
        data={
            "subscription_id": "",
            "start_date": day(4).isoformat(),
            "end_date": day(2).isoformat(),
        },
    )
    assert refused.status_code == 400
    assert session.scalar(select(func.count(Pause.id))) == 0
    assert f'value="{day(4).isoformat()}"' in refused.text

    done = owner.post(
        f"{url}/pauses",
        data={"subscription_id": "", "start_date": day(2).isoformat(), "note": "travelling"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    pause = session.scalars(select(Pause)).one()
    assert pause.subscription_id is None
    assert pause.end_date is None
    shown = _text(owner.get(url).text)
    assert "All deliveries: from Thu 3 Dec until resumed" in shown

    ended = owner.post(
        f"{url}/pauses/{pause.id}/end",
        data={"resume_on": day(6).isoformat()},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    session.refresh(pause)
    assert pause.end_date == day(5)


def test_cancel_a_subscription_from_a_day(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    milk = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    url = f"{_page(owner, dairy)}/subscriptions/{milk.id}/cancel"
    done = owner.post(url, data={"stop_from": day(3).isoformat()}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(milk)
    assert milk.end_date == day(2)
    other = factories.subscription(session, customer=dairy.neighbour, product=dairy.milk)
    assert (
        owner.post(
            f"{_page(owner, dairy)}/subscriptions/{other.id}/cancel",
            data={"stop_from": day(3).isoformat()},
        ).status_code
        == 404
    )


def test_coming_back_with_a_phone_taken_meanwhile_is_refused(
    owner: TestClient, session: Session, dairy: Dairy
) -> None:
    phone = dairy.customer.phone
    owner.post(f"/admin/customers/{dairy.customer.id}/deactivate")
    factories.customer(session, name="New holder", phone_number=phone)
    refused = owner.post(f"/admin/customers/{dairy.customer.id}/reactivate")
    assert refused.status_code == 409
    assert "already has the phone" in refused.text
    assert "Make active again" in refused.text
    session.expire_all()
    assert not session.get_one(Customer, dairy.customer.id).is_active
