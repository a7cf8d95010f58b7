"""A route's delivery day for the admin (/admin/routes/{id}/day): the manifest and load sheet,
shared links created (URL and QR code shown once) and revoked, a substitute for the day; bad
input re-renders the page with a message and changes nothing; only admins get in."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.links import tokens
from milkrun.links.models import SharedDeliveryLink
from milkrun.routing.models import RouteSubstitute
from tests import factories
from tests.deliveries import factories as day_factories
from tests.factories import Login
from tests.web.conftest import LiveServer, log_in


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _links(session: Session) -> list[SharedDeliveryLink]:
    return list(session.scalars(select(SharedDeliveryLink).order_by(SharedDeliveryLink.id)))


def test_the_day_shows_the_stops_in_order_the_load_sheet_and_progress(
    admin_client: TestClient, session: Session
) -> None:
    day = day_factories.delivery_day(session, stops=3)

    page = admin_client.get(f"/admin/routes/{day.route.id}/day", params={"date": str(day.date)})

    assert page.status_code == 200
    text = page.text
    names = [c.name for c in day.customers]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert "0 / 3" in text  # orders marked
    load_sheet = text.split('class="load-sheet"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td class=\"num\">6</td><td class=\"num\">6</td>", load_sheet)
    assert "to deliver" in text


def test_creating_a_link_shows_its_url_and_qr_code_once_and_the_link_works(
    admin_client: TestClient, session: Session
) -> None:
    day = day_factories.delivery_day(session)

    page = admin_client.post(
        f"/admin/routes/{day.route.id}/day/links",
        data={"delivery_date": str(day.date), "label": "  Suresh (brother)  "},
    )

    assert page.status_code == 200
    match = re.search(r'id="created-url" readonly value="[^"]*/l/([A-Za-z0-9_-]+)"', page.text)
    assert match is not None
    token = match.group(1)
    assert "<svg" in page.text  # the QR code
    (link,) = _links(session)
    assert link.label == "Suresh (brother)"
    assert link.route_id == day.route.id
    assert link.delivery_date == day.date
    assert link.token_hash == tokens.token_hash(token)  # the token itself is stored nowhere
    again = admin_client.get(f"/admin/routes/{day.route.id}/day", params={"date": str(day.date)})
    assert token not in again.text
    assert "Suresh (brother)" in again.text
    opened = admin_client.get(f"/api/v1/shared-delivery-link/{token}")
    assert opened.status_code == 200
    assert opened.json()["route"]["id"] == day.route.id


@pytest.mark.parametrize(
    ("label", "when", "message"),
    [
        ("", 0, "Say who the link is for"),
        ("x" * 81, 0, "Say who the link is for"),
        ("Suresh", -3, "would already have expired"),
    ],
)
def test_a_link_that_cannot_be_made_says_why_and_creates_nothing(
    admin_client: TestClient, session: Session, label: str, when: int, message: str
) -> None:
    day = day_factories.delivery_day(session)
    date = day.date.fromordinal(day.date.toordinal() + when)

    page = admin_client.post(
        f"/admin/routes/{day.route.id}/day/links",
        data={"delivery_date": str(date), "label": label},
    )

    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text
    assert _links(session) == []


def test_revoking_a_link_from_the_page(admin_client: TestClient, session: Session) -> None:
    day = day_factories.delivery_day(session)
    link, token = day_factories.link(session, day.route, day.date, label="Suresh")

    answer = admin_client.post(
        f"/admin/routes/{day.route.id}/day/links/{link.id}/revoke",
        data={"delivery_date": str(day.date)},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    session.refresh(link)
    assert link.revoked_at is not None
    assert admin_client.get(f"/api/v1/shared-delivery-link/{token}").status_code == 410
    page = admin_client.get(answer.headers["location"])
    assert "revoked" in page.text


def test_a_link_of_another_route_is_not_revoked_through_this_one(
    admin_client: TestClient, session: Session
) -> None:
    day = day_factories.delivery_day(session)
    other = factories.route(session, name="Another route")
    link, _ = day_factories.link(session, day.route, day.date)

    answer = admin_client.post(
        f"/admin/routes/{other.id}/day/links/{link.id}/revoke",
        data={"delivery_date": str(day.date)},
    )

    assert answer.status_code == 404
    session.refresh(link)
    assert link.revoked_at is None


def test_an_unknown_route_or_link_is_a_page_that_says_so(
    admin_client: TestClient, session: Session
) -> None:
    day = day_factories.delivery_day(session)

    route = admin_client.get("/admin/routes/999999/day")
    link = admin_client.post(
        f"/admin/routes/{day.route.id}/day/links/999999/revoke",
        data={"delivery_date": str(day.date)},
    )

    for page in (route, link):
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in page.text


def test_a_substitute_for_the_day_and_back(admin_client: TestClient, session: Session) -> None:
    day = day_factories.delivery_day(session)
    substitute = factories.delivery_boy_user(session, name="Suresh Gowda")
    url = f"/admin/routes/{day.route.id}/day/substitute"

    answer = admin_client.post(
        url, data={"delivery_date": str(day.date), "delivery_boy_id": str(substitute.id)}
    )

    assert answer.status_code == 200  # the page again, after the redirect
    assert re.search(r'id="walker">Suresh Gowda</strong> \(substitute\)', answer.text)
    assert session.scalar(select(func.count()).select_from(RouteSubstitute)) == 1

    admin_client.post(url, data={"delivery_date": str(day.date), "delivery_boy_id": ""})
    assert session.scalar(select(func.count()).select_from(RouteSubstitute)) == 0


@pytest.mark.parametrize("boy", ["not-a-number", "999999"])
def test_a_substitute_who_is_no_delivery_boy_is_refused(
    admin_client: TestClient, session: Session, boy: str
) -> None:
    day = day_factories.delivery_day(session)
    before = session.scalar(select(func.count()).select_from(AuditEvent))

    page = admin_client.post(
        f"/admin/routes/{day.route.id}/day/substitute",
        data={"delivery_date": str(day.date), "delivery_boy_id": boy},
    )

    assert 400 <= page.status_code < 500
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page.text
    assert session.scalar(select(func.count()).select_from(RouteSubstitute)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_only_an_admin_sees_a_routes_day(
    client: TestClient, session: Session, delivery_boy: Login
) -> None:
    day = day_factories.delivery_day(session)
    client.cookies.set(TOKEN_COOKIE, delivery_boy.token)

    page = client.get(f"/admin/routes/{day.route.id}/day", follow_redirects=False)
    created = client.post(
        f"/admin/routes/{day.route.id}/day/links",
        data={"delivery_date": str(day.date), "label": "Suresh"},
        follow_redirects=False,
    )

    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    assert created.status_code == 303
    assert _links(session) == []


@pytest.mark.browser
def test_an_admin_shares_a_route_and_the_holder_marks_a_stop(
    page: Page, phone_page: Page, live_server: LiveServer
) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        day = day_factories.delivery_day(session)
        route_name, first = day.route.name, day.customers[0].name
        assert admin.phone is not None
        admin_phone = admin.phone

    log_in(page, live_server.url, admin_phone)
    page.goto(f"{live_server.url}/admin/routes")
    page.get_by_role("link", name=route_name).click()
    page.get_by_role("link", name="Today's day sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(route_name)
    page.get_by_label("For whom").fill("Suresh")
    page.get_by_role("button", name="Create link").click()

    expect(page.locator("#created")).to_contain_text("shown only this once")
    expect(page.get_by_role("img", name="QR code of the link")).to_be_visible()
    url = page.locator("#created-url").input_value()
    phone_page.goto(live_server.url + url[url.index("/l/") :])  # settings.base_url is not ours
    phone_page.locator(".stop", has_text=first).get_by_role(
        "button", name="Delivered", exact=True
    ).click()
    expect(phone_page.locator("#sync")).to_contain_text("All saved")

    page.goto(f"{live_server.url}/admin/routes/{day.route.id}/day")
    expect(page.locator("#marked")).to_have_text("1 / 3")
    page.get_by_role("button", name="Revoke the link for Suresh").click()
    expect(page.locator("#links")).to_contain_text("revoked")
