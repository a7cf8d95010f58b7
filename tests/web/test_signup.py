"""A customer signs up on a page (/signup), placed on the route of its area or PIN code or waiting
for the owner; then, from its page (/me), subscribes, changes its usual from a day and cancels,
with the customers' cut-off. A refusal shows the form again with what was typed; nothing
changes."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.routing import service as routing_service
from milkrun.routing.schemas import RouteCreate
from milkrun.subscriptions.models import Subscription, SubscriptionTerms
from tests import factories
from tests.factories import ACTOR
from tests.order_book import TODAY, TOMORROW, Dairy, day, make_dairy

FORM = {
    "name": "Lakshmi Rao",
    "phone": "98450 44444",
    "email": "",
    "address": "7 Church Street",
    "area": "Koramangala 560034",
    "password": "milk-every-day",
}


@pytest.fixture
def dairy(session: Session, settings: Settings) -> Dairy:
    return make_dairy(session, settings)


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _signed_up(session: Session) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.name == "Lakshmi Rao"))


def test_sign_up_places_the_customer_on_the_route_of_its_pin_code(
    client: TestClient, session: Session, dairy: Dairy
) -> None:
    koramangala = routing_service.create_route(
        session,
        RouteCreate(name="Koramangala 5th block", area="Koramangala, 560034", shift="morning"),
        ACTOR,
    )
    assert client.get("/signup").status_code == 200
    posted = client.post("/signup", data=FORM, follow_redirects=False)
    assert posted.status_code == 303
    customer = _signed_up(session)
    assert customer is not None
    assert customer.route_id == koramangala.id
    assert customer.phone == "+919845044444"
    assert session.scalar(select(User.customer_id).where(User.phone == customer.phone)) == (
        customer.id
    )
    me = client.get(posted.headers["location"])  # logged in by the sign-up
    assert me.status_code == 200
    assert "Welcome!" in me.text
    assert "Koramangala 5th block" in me.text


def test_sign_up_with_no_matching_route_waits_for_the_owner(
    client: TestClient, session: Session, dairy: Dairy
) -> None:
    posted = client.post("/signup", data={**FORM, "area": "Whitefield"}, follow_redirects=False)
    assert posted.status_code == 303
    customer = _signed_up(session)
    assert customer is not None
    assert customer.route_id is None
    admin = factories.login(session, factories.admin_user(session))
    client.cookies.set(TOKEN_COOKIE, admin.token)
    waiting = _text(client.get("/admin/customers", params={"route": "waiting"}).text)
    assert "Lakshmi Rao" in waiting
    assert "waiting for a route" in waiting


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "is not a valid phone number"),
        ("password", "short", "The password needs at least 8 characters"),
        ("area", "", "Your area or PIN code"),
        ("email", "not-an-email", "Email: an address"),
    ],
)
def test_a_refused_sign_up_is_shown_again_and_adds_nobody(
    client: TestClient, session: Session, dairy: Dairy, field: str, value: str, message: str
) -> None:
    customers = session.scalar(select(func.count(Customer.id)))
    page = client.post("/signup", data={**FORM, field: value})
    assert page.status_code == 400
    assert message in html.unescape(page.text)
    assert 'value="7 Church Street"' in page.text
    assert 'name="password" type="password"' in page.text
    assert "milk-every-day" not in page.text
    assert session.scalar(select(func.count(Customer.id))) == customers


def test_a_phone_already_signed_up_is_a_conflict(
    client: TestClient, session: Session, dairy: Dairy
) -> None:
    page = client.post("/signup", data={**FORM, "phone": dairy.customer.phone})
    assert page.status_code == 409
    assert "already has the phone" in page.text
    assert _signed_up(session) is None


# --- the customer's subscriptions from /me ------------------------------------------------------


@pytest.fixture
def me(client: TestClient, session: Session, dairy: Dairy) -> TestClient:
    user = factories.customer_user(session, route=dairy.route, name="Meera Nair")
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)
    return client


def _mine(session: Session) -> list[Subscription]:
    return list(
        session.scalars(select(Subscription).join(Customer).where(Customer.name == "Meera Nair"))
    )


def test_subscribe_change_the_usual_and_cancel(
    me: TestClient, session: Session, dairy: Dairy
) -> None:
    page = me.get("/me")
    assert "Subscribe to a product" in page.text
    done = me.post(
        "/me/subscriptions",
        data={
            "product_id": str(dairy.milk.id),
            "start_date": TOMORROW.isoformat(),
            "shift": "morning",
            "kind": "alternate_days",
            "quantity": "2",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    (milk,) = _mine(session)
    shown = _text(me.get(done.headers["location"]).text)
    assert "Subscribed: deliveries from Wed 2 Dec." in shown
    assert "Every other day, 2 × 500 ml pouch" in shown

    changed = me.post(
        f"/me/subscriptions/{milk.id}/terms",
        data={"effective_from": day(4).isoformat(), "kind": "daily", "quantity": "1"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert (
        session.scalar(select(func.count()).where(SubscriptionTerms.subscription_id == milk.id))
        == 2
    )
    assert "From Sat 5 Dec: Toned milk, morning, daily, 1 × 500 ml pouch" in _text(
        me.get("/me").text
    )

    cancelled = me.post(
        f"/me/subscriptions/{milk.id}/cancel",
        data={"stop_from": day(6).isoformat()},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    session.refresh(milk)
    assert milk.end_date == day(5)


def test_the_customers_cut_off_and_refusals_change_nothing(
    me: TestClient, session: Session, dairy: Dairy
) -> None:
    form = {
        "product_id": str(dairy.milk.id),
        "start_date": TODAY.isoformat(),  # today is past its cut-off
        "kind": "daily",
        "quantity": "2",
    }
    events = session.scalar(select(func.count(AuditEvent.id)))
    late = me.post("/me/subscriptions", data=form)
    assert late.status_code == 409
    assert "closed at 22:00" in late.text
    assert f'value="{TODAY.isoformat()}"' in late.text
    bad = me.post(
        "/me/subscriptions", data={**form, "start_date": TOMORROW.isoformat(), "quantity": "0"}
    )
    assert bad.status_code == 400
    assert "How many" in bad.text
    assert _mine(session) == []
    assert session.scalar(select(func.count(AuditEvent.id))) == events

    theirs = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    other = me.post(f"/me/subscriptions/{theirs.id}/cancel", data={"stop_from": day(3).isoformat()})
    assert other.status_code == 404
    session.refresh(theirs)
    assert theirs.end_date is None


def test_an_area_two_routes_serve_waits_for_the_owner(
    client: TestClient, session: Session, dairy: Dairy
) -> None:
    for name in ("Koramangala east", "Koramangala west"):
        routing_service.create_route(
            session, RouteCreate(name=name, area="Koramangala 560034", shift="morning"), ACTOR
        )
    posted = client.post("/signup", data=FORM, follow_redirects=False)
    assert posted.status_code == 303
    customer = _signed_up(session)
    assert customer is not None
    assert customer.route_id is None
