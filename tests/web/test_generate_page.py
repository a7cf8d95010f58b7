"""Generating orders from a page (/admin/orders/generate): the dry run per route and product
changes nothing; confirming creates the orders and says so; a bad date re-renders the form with
a message and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate, preview
from milkrun.orders.models import MaterializationRun, Order
from milkrun.routing.models import Route
from milkrun.subscriptions.models import Subscription
from tests import factories
from tests.deliveries import factories as day_factories
from tests.factories import Login
from tests.web.conftest import LiveServer, log_in

URL = "/admin/orders/generate"


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _dairy(session: Session) -> tuple[Route, Route]:
    north, south = factories.route(session, name="North"), factories.route(session, name="South")
    product = factories.product(session)
    for route, count in ((north, 2), (south, 3)):
        for _ in range(count):
            factories.subscription(
                session, customer=factories.customer(session, route=route), product=product
            )
    session.commit()
    return north, south


def _orders(session: Session, day: dt.date) -> int:
    return session.scalar(select(func.count()).where(Order.delivery_date == day)) or 0


def _cells(html: str) -> list[list[str]]:
    body = html[html.index('<table class="stacked breakdown">') :]
    body = body[: body.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]


def test_the_dry_run_shows_each_route_and_changes_nothing(
    admin_client: TestClient, session: Session
) -> None:
    _dairy(session)
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    page = admin_client.get(URL, params={"date": tomorrow.isoformat()})
    assert page.status_code == 200
    assert '<div class="value" id="to-create">5</div>' in page.text
    assert _cells(page.text) == [
        ["North", "Toned milk (500 ml pouch)", "2", "0", "0"],
        ["South", "Toned milk (500 ml pouch)", "3", "0", "0"],
    ]
    assert _orders(session, tomorrow) == 0
    assert session.scalar(select(func.count()).select_from(MaterializationRun)) == 0


def test_confirming_generates_and_a_second_look_has_nothing_to_do(
    admin_client: TestClient, session: Session
) -> None:
    _dairy(session)
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    done = admin_client.post(URL, data={"date": tomorrow.isoformat()}, follow_redirects=False)
    assert done.status_code == 303
    page = admin_client.get(done.headers["location"])
    assert "5 created, 0 changed, 0 cancelled" in page.text
    assert "Nothing to do" in page.text
    assert _orders(session, tomorrow) == 5


def test_orders_that_no_longer_agree_show_as_changes_and_cancellations(
    admin_client: TestClient, session: Session
) -> None:
    """Changes made behind the service's back (as a lost re-sync would leave them)."""
    north, _ = _dairy(session)
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    admin_client.post(URL, data={"date": tomorrow.isoformat()})
    first, second = session.scalars(
        select(Order).where(Order.delivery_date == tomorrow, Order.route_id == north.id)
    ).all()
    session.execute(update(Order).where(Order.id == first.id).values(quantity=9))
    session.execute(
        update(Subscription)
        .where(Subscription.id == second.subscription_id)
        .values(end_date=day_factories.today())
    )
    session.commit()
    page = admin_client.get(URL, params={"date": tomorrow.isoformat()}).text
    assert '<div class="value" id="to-change">1</div>' in page
    assert '<div class="value" id="to-cancel">1</div>' in page
    assert _cells(page) == [["North", "Toned milk (500 ml pouch)", "0", "1", "1"]]


def test_today_can_be_generated(admin_client: TestClient, session: Session) -> None:
    _dairy(session)
    today = day_factories.today()
    assert admin_client.post(URL, data={"date": today.isoformat()}).status_code == 200
    assert _orders(session, today) == 5


@pytest.mark.parametrize("typed", ["", "31-02-2026", "tomorrow", "2026-13-01"])
def test_a_bad_date_is_refused_with_the_form_again(
    admin_client: TestClient, session: Session, typed: str
) -> None:
    _dairy(session)
    answer = admin_client.post(URL, data={"date": typed})
    assert answer.status_code == 400
    assert "Choose a date to generate" in answer.text
    assert f'value="{typed}"' in answer.text or not typed
    assert session.scalar(select(func.count()).select_from(Order)) == 0
    looked = admin_client.get(URL, params={"date": typed or "x"})
    assert looked.status_code == 400
    assert "Choose a date to generate" in looked.text


def test_only_an_admin_generates(client: TestClient, session: Session, customer: Login) -> None:
    _dairy(session)
    client.cookies.set(TOKEN_COOKIE, customer.token)
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    answer = client.post(URL, data={"date": tomorrow.isoformat()}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert _orders(session, tomorrow) == 0


@pytest.mark.browser
def test_the_owner_generates_tomorrow_after_a_dry_run(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        phone = admin.phone
        _dairy(session)
    assert phone
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    log_in(page, live_server.url, phone)
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_label("Delivery date").fill(tomorrow.isoformat())
    page.get_by_role("button", name="See what would change").click()
    expect(page.locator("#to-create")).to_have_text("5")
    expect(page.locator("table.breakdown tbody tr")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Generate")).click()
    expect(page.get_by_role("status")).to_contain_text("5 created")
    expect(page.locator("#to-create")).to_have_text("0")


@pytest.mark.parametrize("generated", [False, True])
def test_the_breakdown_adds_up_to_the_dry_run(session: Session, generated: bool) -> None:
    """The page's preview and the API's dry run count the same orders."""
    north, _ = _dairy(session)
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    actor = Actor.system()
    if generated:
        generate.materialize(session, tomorrow, actor)
        first = session.scalars(select(Order).where(Order.route_id == north.id)).first()
        assert first
        session.execute(update(Order).where(Order.id == first.id).values(quantity=9))
    dry_run = generate.materialize(session, tomorrow, actor, dry_run=True)
    assert preview.breakdown(session, tomorrow).counts == dry_run.counts
