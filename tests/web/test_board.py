"""The today board (/admin): each route's progress by state, refreshing from a small part of its
own (/admin/board/progress); yesterday's unmarked orders; tomorrow's load with the cut-off and
the changes since its generation; the money owed; customers waiting for a route."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate
from tests import factories
from tests.deliveries import factories as day_factories
from tests.factories import Login
from tests.web.conftest import LiveServer, log_in

MARK = "/api/v1/delivery-boy/mark-delivered"


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _route_line(html: str, name: str) -> str:
    match = re.search(
        rf'<li class="route-progress" data-route="{re.escape(name)}">(.*?)</li>', html, re.S
    )
    assert match, f"no progress line for {name}"
    return re.sub(r"\s+", " ", match.group(1))


def test_the_board_counts_each_route_by_state(admin_client: TestClient, session: Session) -> None:
    day = day_factories.delivery_day(session)
    session.commit()
    marks = [
        day.body(0),
        day.body(1, status="not_delivered", reason="customer_unavailable"),
    ]
    for body in marks:
        assert admin_client.post(MARK, json=body, headers=day.boy.headers).status_code == 200
    page = admin_client.get("/admin")
    assert page.status_code == 200
    line = _route_line(page.text, day.route.name)
    assert "2 / 3" in line
    assert '<span class="delivered"><b>1</b>' in line
    assert '<span class="not-delivered"><b>1</b>' in line
    assert '<span class="pending"><b>1</b>' in line
    assert '<progress max="3" value="2"' in line


def test_the_progress_part_alone_is_one_small_page(
    admin_client: TestClient, session: Session
) -> None:
    day = day_factories.delivery_day(session)
    session.commit()
    part = admin_client.get("/admin/board/progress")
    assert part.status_code == 200
    assert 'id="progress"' in part.text
    assert "0 / 3" in _route_line(part.text, day.route.name)
    assert len(part.content) < 4000
    assert "<nav" not in part.text  # not the whole page
    assert admin_client.post(MARK, json=day.body(2), headers=day.boy.headers).status_code == 200
    assert "1 / 3" in _route_line(admin_client.get("/admin/board/progress").text, day.route.name)


def test_yesterdays_unmarked_orders_are_called_out_with_a_link(
    admin_client: TestClient, session: Session
) -> None:
    yesterday = day_factories.today() - dt.timedelta(days=1)
    day = day_factories.delivery_day(session, date=yesterday, stops=2)
    session.commit()
    page = admin_client.get("/admin").text
    assert "Yesterday left unmarked" in page
    assert f"/admin/routes/{day.route.id}/day?date={yesterday.isoformat()}" in page
    assert re.search(r"<strong>2</strong> orders not marked", page)


def test_nothing_is_called_out_when_yesterday_was_marked(admin_client: TestClient) -> None:
    assert "Yesterday left unmarked" not in admin_client.get("/admin").text


def test_tomorrow_shows_what_to_load_and_the_changes_since_generation(
    admin_client: TestClient, session: Session
) -> None:
    tomorrow = day_factories.today() + dt.timedelta(days=1)
    route = factories.route(session)
    product = factories.product(session)
    subs = [
        factories.subscription(
            session,
            customer=factories.customer(session, route=route),
            product=product,
            schedule={"kind": "daily", "quantity": 2},
        )
        for _ in range(3)
    ]
    session.commit()
    page = admin_client.get("/admin").text
    assert "Not generated yet" in page
    assert re.search(r"Toned milk.*?<td class=\"num\">6</td>", page, re.S)
    assert "22:00" in page  # the cut-off

    generate.materialize(session, tomorrow, Actor.system())
    session.commit()
    factories.override(session, subscription_id=subs[0].id, day=tomorrow, quantity=5)
    session.commit()
    page = admin_client.get("/admin").text
    assert "Orders generated at" in page
    assert '<strong id="changes-since">1</strong> change since' in page


def test_customers_without_a_route_wait_on_the_board(
    admin_client: TestClient, session: Session
) -> None:
    factories.customer(session, name="Nisha Waiting")
    factories.customer(session, route=factories.route(session), name="Placed Already")
    session.commit()
    page = admin_client.get("/admin").text
    waiting = page[page.index('id="waiting"') :]
    assert "Nisha Waiting" in waiting
    assert "Placed Already" not in waiting
    assert '<span class="count">1</span>' in waiting


def test_money_owed_starts_at_nothing(admin_client: TestClient) -> None:
    page = admin_client.get("/admin").text
    assert '<dd id="owed">₹0.00</dd>' in page


@pytest.mark.parametrize("path", ["/admin", "/admin/board/progress"])
def test_only_an_admin_sees_the_board(client: TestClient, customer: Login, path: str) -> None:
    assert client.get(path, follow_redirects=False).headers["location"].startswith("/login")
    client.cookies.set(TOKEN_COOKIE, customer.token)
    assert client.get(path, follow_redirects=False).status_code == 303


@pytest.mark.browser
def test_the_board_moves_when_a_delivery_boy_marks(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        day = day_factories.delivery_day(session)
        admin_phone, boy_headers, body = admin.phone, day.boy.headers, day.body(0)
        route_name = day.route.name
    assert admin_phone
    page.clock.install()
    log_in(page, live_server.url, admin_phone)
    expect(page).to_have_url(f"{live_server.url}/admin")
    line = page.locator(f'li.route-progress[data-route="{route_name}"]')
    expect(line.locator(".rp-count")).to_have_text("0 / 3")

    answer = httpx.post(f"{live_server.url}{MARK}", json=body, headers=boy_headers)
    assert answer.status_code == 200
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_response(re.compile(r"/admin/board/progress$")):
        page.clock.run_for(31_000)
    expect(line.locator(".rp-count")).to_have_text("1 / 3")
    expect(line.locator(".delivered b")).to_have_text("1")
    # No full reload: one small request, for the progress alone.
    assert requests == [f"{live_server.url}/admin/board/progress"]
