"""The delivery pages in headless Chromium on a phone-sized screen: marking with big buttons,
losing the connection, coming back, and every mark arriving exactly once; a page seen once opens
again without a connection (a service worker keeps a copy), showing the newest state the phone
knows, and a delivery boy's pages are forgotten when nobody is logged in any more."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, Route, expect
from sqlalchemy import func, select, update

from milkrun.audit.models import AuditEvent
from milkrun.deliveries.models import DeliveryStatus, IdempotencyKey
from milkrun.orders.models import Order, OrderStatus
from tests import factories
from tests.deliveries import factories as day_factories
from tests.web.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser


@dataclass
class Walk:
    boy_phone: str
    order_ids: list[int]
    customer_names: list[str]
    token: str


@pytest.fixture
def walk(live_server: LiveServer) -> Walk:
    with live_server.database.session_scope() as session:
        boy = factories.delivery_boy_user(session, name="Ravi Kumar")
        day = day_factories.delivery_day(session, boy=boy)
        _link, token = day_factories.link(session, day.route, day.date, label="Suresh")
        assert boy.phone is not None
        return Walk(
            boy_phone=boy.phone,
            order_ids=[o.id for o in day.orders],
            customer_names=[c.name for c in day.customers],
            token=token,
        )


def _statuses(live_server: LiveServer) -> dict[int, tuple[str, int, str | None]]:
    with live_server.database.session_scope() as session:
        rows = session.execute(
            select(
                DeliveryStatus.order_id,
                DeliveryStatus.status,
                DeliveryStatus.quantity_delivered,
                DeliveryStatus.reason,
            )
        ).all()
    return {row.order_id: (row.status, row.quantity_delivered, row.reason) for row in rows}


def _marks_recorded(live_server: LiveServer, order_id: int) -> int:
    with live_server.database.session_scope() as session:
        count = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.order_id == order_id, AuditEvent.action.like("delivery.%"))
        )
    return count or 0


def _stop(page: Page, name: str) -> Locator:
    return page.locator(".stop", has_text=name)


def _delivered(page: Page, name: str) -> Locator:
    return _stop(page, name).get_by_role("button", name="Delivered", exact=True)


def test_a_delivery_boy_marks_offline_and_the_marks_arrive_when_back_online(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")
    sync = phone_page.locator("#sync")
    expect(sync).to_contain_text("All saved")
    expect(phone_page.locator(".stop")).to_have_count(3)
    first, second, third = walk.customer_names
    expect(phone_page.locator(".stop.current")).to_contain_text(first)

    phone_page.context.set_offline(True)
    _delivered(phone_page, first).click()
    _stop(phone_page, second).get_by_role("button", name="Not delivered").click()
    _stop(phone_page, second).get_by_role("button", name="Not at home").click()

    expect(sync).to_have_attribute("data-pending", "2")
    expect(sync).to_contain_text("Pending 2")
    expect(sync).to_contain_text("offline")
    # The stops show what was marked, as not yet sent; the next stop is now the current one.
    expect(_stop(phone_page, first)).to_contain_text("waiting to send")
    expect(phone_page.locator(".stop.current")).to_contain_text(third)
    assert _statuses(live_server) == {}

    phone_page.context.set_offline(False)

    expect(sync).to_have_attribute("data-pending", "0")
    expect(sync).to_contain_text("All saved")
    expect(_stop(phone_page, first)).not_to_contain_text("waiting to send")
    assert _statuses(live_server) == {
        walk.order_ids[0]: ("delivered", 2, None),
        walk.order_ids[1]: ("not_delivered", 0, "customer_unavailable"),
    }
    assert _marks_recorded(live_server, walk.order_ids[0]) == 1
    assert _marks_recorded(live_server, walk.order_ids[1]) == 1


def test_a_mark_whose_answer_is_lost_is_retried_with_its_key_and_lands_once(
    routed_phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    """The dairy records the mark, but the answer never reaches the phone (the connection drops
    on the way back): the page retries with the same Idempotency-Key, and the dairy replays."""
    phone_page = routed_phone_page
    keys: list[str] = []

    def lose_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # reaches the server, which commits the mark
            route.abort("connectionreset")
        else:
            route.continue_()

    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")
    phone_page.route(re.compile(r".*/mark-delivered$"), lose_first_answer)
    _delivered(phone_page, walk.customer_names[0]).click()

    expect(phone_page.locator("#sync")).to_have_attribute("data-pending", "0", timeout=15_000)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert _statuses(live_server) == {walk.order_ids[0]: ("delivered", 2, None)}
    assert _marks_recorded(live_server, walk.order_ids[0]) == 1
    with live_server.database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_pending_marks_survive_a_reload_and_are_sent_later(
    routed_phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    phone_page = routed_phone_page
    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")

    def dairy_down(route: Route) -> None:
        route.fulfill(status=503, content_type="application/problem+json", body="{}")

    phone_page.route(re.compile(r".*/mark-delivered$"), dairy_down)
    stop = _stop(phone_page, walk.customer_names[2])
    stop.get_by_role("button", name="Partial").click()
    stop.get_by_role("button", name="One less").click()  # 2 ordered: the only partial is 1
    stop.get_by_role("button", name="Save").click()
    expect(phone_page.locator("#sync")).to_contain_text("Pending 1")

    phone_page.reload()
    expect(phone_page.locator("#sync")).to_contain_text("Pending 1")
    expect(_stop(phone_page, walk.customer_names[2])).to_contain_text("1 of 2 delivered")
    assert _statuses(live_server) == {}

    phone_page.unroute(re.compile(r".*/mark-delivered$"))
    expect(phone_page.locator("#sync")).to_contain_text("All saved", timeout=15_000)
    assert _statuses(live_server) == {walk.order_ids[2]: ("partially_delivered", 1, None)}


def test_a_refused_mark_leaves_the_queue_and_says_why(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")
    with live_server.database.session_scope() as session:
        session.execute(
            update(Order)
            .where(Order.id == walk.order_ids[0])
            .values(status=OrderStatus.cancelled.value)
        )

    _delivered(phone_page, walk.customer_names[0]).click()

    expect(phone_page.locator("#sync")).to_contain_text("All saved")
    expect(phone_page.get_by_role("alert")).to_contain_text("was cancelled")
    assert _statuses(live_server) == {}


def test_the_shared_link_page_marks_without_a_login_and_carries_the_link_headers(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    response = phone_page.goto(f"{live_server.url}/l/{walk.token}")

    assert response is not None
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"] == "noindex"
    assert response.headers["cache-control"] == "no-store"
    expect(phone_page.locator(".dday-head")).to_contain_text("Link for Suresh")
    stop = _stop(phone_page, walk.customer_names[0])
    button = stop.get_by_role("button", name="Delivered", exact=True)
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 48  # a thumb-sized target
    button.click()

    expect(phone_page.locator("#sync")).to_contain_text("All saved")
    expect(_stop(phone_page, walk.customer_names[0])).to_contain_text("Delivered")
    assert _statuses(live_server) == {walk.order_ids[0]: ("delivered", 2, None)}
    with live_server.database.session_scope() as session:
        row = session.scalar(select(DeliveryStatus))
        assert row is not None
        assert row.recorded_by_link_id is not None
        assert row.recorded_by_user_id is None
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_unknown_link_page_says_so(phone_page: Page, live_server: LiveServer) -> None:
    response = phone_page.goto(f"{live_server.url}/l/not-a-token")

    assert response is not None
    assert response.status == 404
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(phone_page.get_by_role("alert")).to_contain_text("no such delivery link")


# --- opening the pages without a connection ------------------------------------------------

PAGES = "milkrun-delivery-pages"


def _kept(page: Page, path: str) -> None:
    """Wait until the service worker controls the page and has kept a copy of ``path``."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        f"async (path) => !!(await (await caches.open({json.dumps(PAGES)})).match(path))",
        arg=path,
    )


def _rendered_at(page: Page) -> dt.datetime:
    """When the dairy read the manifest the page was made with."""
    (manifest,) = json.loads(page.locator("#dday-data").text_content() or "[]")
    return dt.datetime.fromisoformat(manifest["as_of"])


def _recorded_at(live_server: LiveServer, order_id: int) -> dt.datetime:
    with live_server.database.session_scope() as session:
        recorded_at = session.scalar(
            select(DeliveryStatus.recorded_at).where(DeliveryStatus.order_id == order_id)
        )
    assert recorded_at is not None
    return recorded_at


def test_a_delivery_page_seen_once_opens_offline_with_the_marks_sent_since(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    first, second, third = walk.customer_names
    log_in(phone_page, live_server.url, walk.boy_phone)
    expect(phone_page).to_have_url(f"{live_server.url}/delivery")
    _kept(phone_page, "/delivery")
    # Marked while online, after the copy was kept: the copy still shows it "To deliver".
    _delivered(phone_page, first).click()
    expect(phone_page.locator("#sync")).to_contain_text("All saved")

    phone_page.context.set_offline(True)
    response = phone_page.reload()

    assert response is not None
    assert response.from_service_worker
    # The saved copy, made before the mark, yet showing it: the phone knew better.
    assert _rendered_at(phone_page) < _recorded_at(live_server, walk.order_ids[0])
    expect(phone_page.locator(".stop")).to_have_count(3)
    expect(_stop(phone_page, first)).to_contain_text("Delivered")
    expect(phone_page.locator(".stop.current")).to_contain_text(second)
    expect(phone_page.locator("#sync")).to_contain_text("offline, stops as of")

    # Marks made on the copy wait, and go when the connection is back.
    _delivered(phone_page, second).click()
    _stop(phone_page, third).get_by_role("button", name="Not delivered").click()
    _stop(phone_page, third).get_by_role("button", name="Refused").click()
    expect(phone_page.locator("#sync")).to_have_attribute("data-pending", "2")

    phone_page.context.set_offline(False)

    expect(phone_page.locator("#sync")).to_have_attribute("data-pending", "0")
    assert _statuses(live_server) == {
        walk.order_ids[0]: ("delivered", 2, None),
        walk.order_ids[1]: ("delivered", 2, None),
        walk.order_ids[2]: ("not_delivered", 0, "refused"),
    }


def test_online_the_dairys_page_is_shown_not_the_copy(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    _kept(phone_page, "/delivery")
    copy_made = _rendered_at(phone_page)

    response = phone_page.reload()

    assert response is not None
    assert response.status == 200
    assert _rendered_at(phone_page) > copy_made


def test_a_shared_link_page_seen_once_opens_offline(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    path = f"/l/{walk.token}"
    phone_page.goto(f"{live_server.url}{path}")
    _kept(phone_page, path)

    phone_page.context.set_offline(True)
    phone_page.reload()

    expect(phone_page.locator(".dday-head")).to_contain_text("Link for Suresh")
    _delivered(phone_page, walk.customer_names[0]).click()
    expect(phone_page.locator("#sync")).to_contain_text("Pending 1")
    phone_page.context.set_offline(False)
    expect(phone_page.locator("#sync")).to_contain_text("All saved")
    assert _statuses(live_server) == {walk.order_ids[0]: ("delivered", 2, None)}


def test_a_page_never_opened_here_says_so_offline(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    _kept(phone_page, "/delivery")

    phone_page.context.set_offline(True)
    response = phone_page.goto(f"{live_server.url}/delivery?date=2026-01-01")

    assert response is not None
    assert response.status == 503
    expect(phone_page.get_by_role("heading")).to_have_text("No connection")


def test_after_logging_out_the_phone_shows_no_one_elses_stops(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    _kept(phone_page, "/delivery")
    _delivered(phone_page, walk.customer_names[0]).click()
    expect(phone_page.locator("#sync")).to_contain_text("All saved")
    # A shared link opened on this phone is not the login's: its copies stay.
    phone_page.evaluate(
        f"""async () => {{
            localStorage.setItem("milkrun.day.link:7.2026-12-01", '{{"asOf": 0, "manifests": []}}');
            const cache = await caches.open({json.dumps(PAGES)});
            await cache.put("/l/a-shared-link", new Response("the link's page"));
        }}"""
    )

    phone_page.get_by_role("button", name="Log out").click()
    expect(phone_page).to_have_url(f"{live_server.url}/login")
    phone_page.wait_for_function(
        f"async () => !(await (await caches.open({json.dumps(PAGES)})).match('/delivery'))"
    )
    assert phone_page.evaluate(
        "Object.keys(localStorage).filter((k) => k.startsWith('milkrun.day.'))"
    ) == ["milkrun.day.link:7.2026-12-01"]
    assert phone_page.evaluate(
        f"async () => !!(await (await caches.open({json.dumps(PAGES)})).match('/l/a-shared-link'))"
    )

    phone_page.context.set_offline(True)
    phone_page.goto(f"{live_server.url}/delivery")

    expect(phone_page.get_by_role("heading")).to_have_text("No connection")
    expect(phone_page.locator("body")).not_to_contain_text(walk.customer_names[0])


def test_the_phone_keeps_only_the_last_few_days(
    phone_page: Page, live_server: LiveServer, walk: Walk
) -> None:
    log_in(phone_page, live_server.url, walk.boy_phone)
    config = json.loads(phone_page.locator("#dday-config").text_content() or "{}")
    day = dt.date.fromisoformat(config["date"])
    prefix = f"milkrun.day.{config['scope']}."
    old, recent = day - dt.timedelta(days=30), day - dt.timedelta(days=1)
    phone_page.evaluate(
        """([old, recent]) => {
            localStorage.setItem(old, '{"asOf": 0, "manifests": []}');
            localStorage.setItem(recent, '{"asOf": 0, "manifests": []}');
        }""",
        [prefix + old.isoformat(), prefix + recent.isoformat()],
    )

    _delivered(phone_page, walk.customer_names[0]).click()
    expect(phone_page.locator("#sync")).to_contain_text("All saved")

    kept = phone_page.evaluate(
        "(prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)).sort()", prefix
    )
    assert kept == [prefix + recent.isoformat(), prefix + day.isoformat()]
