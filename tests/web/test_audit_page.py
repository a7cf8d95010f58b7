"""The audit trail page (/admin/audit): narrowed by period, who acted, customer, order and
action; paginated with a count; each change in words (money in ₹)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.web.audit_words import changes
from milkrun.web.routes.admin_audit import PAGE
from tests import factories
from tests.factories import Login
from tests.web.conftest import LiveServer, log_in

ZONE_NOW = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _event(session: Session, action: str, *, who: str = "admin:Priya", **kw: object) -> None:
    audit.record(
        session,
        audit.Actor(user_id=None, label=who, channel="web"),
        action,
        "subscription",
        7,
        **kw,  # type: ignore[arg-type]
    )


def test_a_change_reads_field_by_field() -> None:
    assert changes(
        {"quantity": 2, "unit_price_paise": 2800, "end_date": None, "updated_at": "x"},
        {"quantity": 3, "unit_price_paise": 3000, "end_date": "2026-12-31", "updated_at": "y"},
    ) == ["quantity 2 → 3", "unit price ₹28.00 → ₹30.00", "end date — → 31 Dec 2026"]
    assert changes(None, {"is_active": True}) == ["is active yes"]
    kolkata = ZoneInfo("Asia/Kolkata")
    assert changes(None, {"received_at": "2026-12-05T04:30:00+00:00"}, kolkata) == [
        "received at 05 Dec 2026, 10:00"
    ]
    assert changes(None, {"allocations": [{"invoice_id": 59, "amount": "168.00"}]}) == [
        "allocations invoice # 59, amount ₹168.00"
    ]


def test_each_filter_narrows_the_trail(admin_client: TestClient, session: Session) -> None:
    customer = factories.customer(session, name="Asha Iyer")
    clock.freeze(ZONE_NOW - dt.timedelta(days=3))
    _event(session, "pause.create", who="admin:Old Entry", after={"reason": "trip"})
    clock.freeze(ZONE_NOW)
    _event(
        session,
        "subscription.change",
        who="admin:Priya",
        customer_id=customer.id,
        before={"quantity": 2},
        after={"quantity": 3},
    )
    session.commit()
    everything = admin_client.get("/admin/audit").text
    assert "Old Entry" in everything
    assert "quantity 2 → 3" in everything

    def shown(**params: str) -> str:
        page = admin_client.get("/admin/audit", params=params)
        assert page.status_code == 200
        return str(page.text)

    assert "Old Entry" not in shown(start="2026-12-04")
    assert "quantity 2 → 3" not in shown(end="2026-12-03")
    assert "Old Entry" in shown(end="2026-12-03")
    assert "Old Entry" not in shown(actor="priya")
    assert "Old Entry" not in shown(customer=str(customer.id))
    only_pauses = shown(action="pause.create")
    assert "Old Entry" in only_pauses
    assert "quantity 2 → 3" not in only_pauses
    assert "Showing 1 of 1 event" in only_pauses
    kept = shown(actor="priya", action="pause.create")
    assert "No events match" in kept
    assert 'value="priya"' in kept


def test_the_trail_pages_with_a_count(admin_client: TestClient, session: Session) -> None:
    for n in range(PAGE + 5):
        _event(session, "override.set", after={"quantity": n})
    session.commit()
    first = admin_client.get("/admin/audit", params={"action": "override.set"})
    assert f"Showing {PAGE} of {PAGE + 5} events" in first.text
    assert 'rel="next"' in first.text
    older = next(part for part in first.text.split('"') if "cursor=" in part).replace("&amp;", "&")
    second = admin_client.get("/admin/audit" + older)
    assert f"Showing 5 of {PAGE + 5} events" in second.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "yesterday"}, "The first day is not a date"),
        ({"start": "2026-12-05", "end": "2026-12-01"}, "The last day comes before the first"),
        ({"customer": "abc"}, "There is no customer"),
        ({"cursor": "garbage"}, "That page link is not valid"),
    ],
)
def test_bad_filters_say_why(
    admin_client: TestClient, params: dict[str, str], message: str
) -> None:
    page = admin_client.get("/admin/audit", params=params)
    assert page.status_code in (200, 400, 404)
    assert message in page.text
    for value in params.values():
        if value != "garbage":
            assert f'value="{value}"' in page.text


@pytest.mark.browser
def test_the_owner_filters_the_trail(page: Page, live_server: LiveServer) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        phone = admin.phone
        _event(session, "pause.create", who="admin:Somebody", after={"reason": "trip"})
        _event(session, "subscription.change", before={"quantity": 1}, after={"quantity": 4})
    assert phone
    log_in(page, live_server.url, phone)
    page.get_by_role("link", name="Audit").click()
    expect(page.locator("li.event").first).to_be_visible()
    assert page.locator("li.event").count() >= 2
    page.get_by_label("Action").select_option("subscription.change")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("li.event")).to_have_count(1)
    expect(page.locator("li.event")).to_contain_text("quantity 1 → 4")
    expect(page.locator("#count")).to_contain_text("Showing 1 of 1 event")
