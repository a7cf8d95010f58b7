"""Admin pages without a browser: a damaged page link gets a page, not JSON."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from milkrun.web.routes.admin_customers import PAGE
from tests import factories
from tests.factories import Login

NOTICE = "That page link is not valid"


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "",
        base64.urlsafe_b64encode(b"id:-1").decode(),
        base64.urlsafe_b64encode(b"page:3").decode(),
        "x" * 5000,
    ],
)
def test_a_malformed_cursor_shows_the_first_page(
    admin_client: TestClient, session: Session, cursor: str
) -> None:
    factories.customer(session, name="Meera Nair")
    page = admin_client.get("/admin/customers", params={"cursor": cursor})
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert NOTICE in page.text
    assert "Meera Nair" in page.text


def test_a_good_cursor_shows_the_next_page_without_a_notice(
    admin_client: TestClient, session: Session
) -> None:
    first = factories.customer(session, name="Asha First")
    for n in range(PAGE):
        factories.customer(session, name=f"Customer {n}")
    page_one = admin_client.get("/admin/customers")
    assert page_one.status_code == 200
    assert "Asha First" in page_one.text
    assert "Next page" in page_one.text
    cursor = page_one.text.split("cursor=", 1)[1].split('"', 1)[0]

    page_two = admin_client.get("/admin/customers", params={"cursor": cursor})

    assert page_two.status_code == 200
    assert NOTICE not in page_two.text
    assert f"<td>{first.id}</td>" not in page_two.text
    assert f"Customer {PAGE - 1}" in page_two.text


def test_the_api_still_refuses_a_malformed_cursor(client: TestClient, admin: Login) -> None:
    response = client.get("/api/v1/customers", params={"cursor": "garbage"}, headers=admin.headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_cursor"


def test_the_routes_page_counts_what_the_domains_count(
    admin_client: TestClient, session: Session
) -> None:
    boy = factories.delivery_boy_user(session, name="Ramesh Gowda")
    retired = factories.delivery_boy_user(session, name="Old Hand")
    retired.is_active = False
    route = factories.route(session, name="Jayanagar East", delivery_boy=boy)
    for name in ("Meera Nair", "Ravi Kumar"):
        factories.customer(session, route=route, name=name)
    factories.customer(session, route=None, name="Not Yet Routed").is_active = False
    session.flush()

    routes = admin_client.get("/admin/routes").text
    row = re.search(
        r"<tr>\s*<td[^>]*><a [^>]*><strong>Jayanagar East</strong></a>.*?</tr>", routes, re.S
    )
    assert row is not None
    assert "Ramesh Gowda" in row.group(0)
    assert '<td data-label="Stops" class="num">2</td>' in row.group(0)
    customers = admin_client.get("/admin/customers").text
    assert "Jayanagar East" in customers
