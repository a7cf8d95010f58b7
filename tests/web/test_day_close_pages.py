"""The day close on the today board and on the route day: what yesterday's close did, and with
the ``review`` policy the past orders waiting for the owner, with links to their route days."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.deliveries import closing
from milkrun.http.deps import TOKEN_COOKIE
from tests.deliveries import factories as day_factories
from tests.factories import SECRET, Login


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def close(session: Session, day: dt.date, policy: str) -> None:
    settings = Settings(env="test", secret_key=SECRET, day_close_policy=policy)
    closing.close_day(session, day, closing.system_actor("test"), settings, trigger="scheduler")
    session.commit()


def test_the_board_says_yesterday_is_not_closed_yet(admin_client: TestClient) -> None:
    page = admin_client.get("/admin").text
    assert 'id="day-close"' in page
    assert "Not closed yet" in page


def test_the_board_shows_what_yesterdays_close_did(
    admin_client: TestClient, session: Session
) -> None:
    yesterday = day_factories.today() - dt.timedelta(days=1)
    day_factories.delivery_day(session, date=yesterday, stops=3)
    session.commit()
    close(session, yesterday, "delivered")
    page = admin_client.get("/admin").text
    card = page[page.index('id="day-close"') :]
    assert "policy <strong>delivered</strong>" in card
    assert "<strong>3</strong> unmarked, taken as delivered" in card
    assert "on schedule" in card
    assert 'id="review"' not in page  # nothing waits for the owner


def test_with_review_the_orders_wait_for_the_owner(
    admin_client: TestClient, session: Session
) -> None:
    yesterday = day_factories.today() - dt.timedelta(days=1)
    day = day_factories.delivery_day(session, date=yesterday, stops=2)
    session.commit()
    close(session, yesterday, "review")
    page = admin_client.get("/admin").text
    card = page[page.index('id="day-close"') :]
    assert "<strong>2</strong> left for your review" in card
    assert '<strong id="close-unresolved">2</strong> orders of that day still wait' in card
    review = page[page.index('id="review"') :]
    assert '<span class="count">2</span>' in review
    assert f"/admin/routes/{day.route.id}/day?date={yesterday.isoformat()}" in review

    route_day = admin_client.get(f"/admin/routes/{day.route.id}/day?date={yesterday.isoformat()}")
    assert route_day.status_code == 200
    assert "left for your review" in route_day.text
    assert 'id="close-unresolved">2<' in route_day.text


def test_the_route_day_of_today_shows_no_close(admin_client: TestClient, session: Session) -> None:
    day = day_factories.delivery_day(session)
    session.commit()
    page = admin_client.get(f"/admin/routes/{day.route.id}/day").text
    assert 'id="day-close"' not in page
