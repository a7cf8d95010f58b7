"""The sweep of an admin limited to one hub: every admin page and every API list of the app,
walked as the Jayanagar manager over a dairy whose Indiranagar hub has customers, orders, marks,
bills, a payment, past orders left unmarked and a trail. No page, CSV or list names another hub's
customer, route or payment; a page or API detail that names another hub's record by id is 404
(the API's is in ``test_scope.test_the_walk_of_a_limited_admin``). The owner, on the same
dairy, sees both hubs (so the walk would notice a leak: the names are there to leak)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.api.app import build_router
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders import generate
from milkrun.orders.models import Order
from milkrun.subscriptions.models import Subscription
from milkrun.web.app import build_web_router
from tests import factories
from tests.billing import factories as billing_factories
from tests.factories import ACTOR
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import TODAY, day

API = "/api/v1"
EAST_ROUTE = "Indiranagar 100 Feet Road"
# What the Jayanagar manager must never read: Indiranagar's customers, route and payment, and
# the customer on no route (in no hub).
THEIRS = ("Asha Iyer", "Ravi Shankar", EAST_ROUTE, "EAST-PAYMENT", "New Signup")
MINE = ("Lakshmi Rao", "Jayanagar 4th Block")
IDS = ("customer_id", "route_id", "subscription_id", "order_id", "invoice_id")


@dataclass
class Walked:
    hubs: TwoHubs
    theirs: dict[str, int]
    mine: dict[str, int]
    east_customers: set[int]


def _paths(router: Any) -> Iterator[tuple[str, set[str]]]:
    """Every (path, methods) of a router, through the routers it includes."""
    for route in router.routes:
        if hasattr(route, "effective_candidates"):  # FastAPI's included router
            for candidate in route.effective_candidates():
                yield candidate.path, set(candidate.methods or ())
        elif hasattr(route, "methods"):
            yield route.path, set(route.methods or ())
        elif hasattr(route, "routes"):
            yield from _paths(route)


def _admin_pages() -> list[str]:
    return sorted(
        {p for p, methods in _paths(build_web_router()) if "GET" in methods and "/admin" in p}
    )


def _api_lists() -> list[str]:
    return sorted(
        {
            p
            for p, methods in _paths(build_router())
            if "GET" in methods and "{" not in p and not p.startswith(f"{API}/me")
        }
    )


def _ids(session: Session, customer_id: int, route_id: int, invoice_id: int) -> dict[str, int]:
    order = session.scalar(
        select(Order.id).where(Order.customer_id == customer_id).order_by(Order.id)
    )
    sub = session.scalar(select(Subscription.id).where(Subscription.customer_id == customer_id))
    assert order is not None
    assert sub is not None
    return {
        "customer_id": customer_id,
        "route_id": route_id,
        "subscription_id": sub,
        "order_id": order,
        "invoice_id": invoice_id,
    }


@pytest.fixture
def walked(client: TestClient, session: Session, hubs: TwoHubs) -> Walked:
    hubs.east.name = EAST_ROUTE
    boy = factories.delivery_boy_user(session, name="Manju")
    for n in (-2, 0, 1):
        generate.materialize(session, day(n), ACTOR)
    # Today's orders marked (the deliveries and sales reports), the day before yesterday's left
    # unmarked (the review list), November billed (drafts) and a bill issued to each hub.
    for order in session.scalars(select(Order).where(Order.delivery_date == TODAY)):
        billing_factories.deliver(session, order, by=boy)
    for customer in (hubs.dairy.customer, hubs.dairy.neighbour, hubs.south_customer):
        november = billing_factories.order(
            session, customer_id=customer.id, product_id=hubs.dairy.milk.id, day=day(-20)
        )
        november.route_id = customer.route_id
        billing_factories.deliver(session, november, by=boy)
    billing_factories.run(session, today=TODAY)
    issued = {}
    for customer in (hubs.dairy.customer, hubs.south_customer):
        bill = billing_factories.issued_invoice(
            session, customer.id, total_paise=5600, customer_name=customer.name
        )
        issued[customer.id] = bill.id
    owner = factories.login(session, hubs.owner).headers
    for customer, reference in ((hubs.dairy.customer, "EAST-PAYMENT"), (hubs.south_customer, "S1")):
        body = {"customer_id": customer.id, "amount": "500.00", "method": "upi"}
        made = client.post(f"{API}/payments", json=body | {"reference": reference}, headers=owner)
        assert made.status_code == 201, made.text
    session.flush()
    east = hubs.dairy.customer.id
    return Walked(
        hubs,
        theirs=_ids(session, east, hubs.east.id, issued[east]),
        mine=_ids(session, hubs.south_customer.id, hubs.south.id, issued[hubs.south_customer.id]),
        east_customers={hubs.dairy.customer.id, hubs.dairy.neighbour.id, hubs.unrouted.id},
    )


def _extra_pages(walked: Walked) -> list[str]:
    """The pages again with what narrows or widens them: a period that covers the data, another
    hub asked for by name or id, the CSVs."""
    hubs = walked.hubs
    months = "start=2026-11&end=2026-12"
    days = f"start={day(-2).isoformat()}&end={day(1).isoformat()}"
    pages = [
        f"/admin?hub={hubs.indiranagar.id}",
        f"/admin/board/progress?hub={hubs.indiranagar.id}",
        "/admin/billing?month=2026-11",
        "/admin/billing?month=2026-12",
        f"/admin/billing?month=2026-11&hub={hubs.indiranagar.id}",
        f"/admin/billing/pdfs.zip?month=2026-11&hub={hubs.indiranagar.id}",
        f"/admin/audit?customer={walked.theirs['customer_id']}",
        f"/admin/audit?order={walked.theirs['order_id']}",
        f"/admin/customers?hub={hubs.indiranagar.id}",
        "/admin/customers?route=waiting",
        "/admin/customers?status=all",
        f"/admin/payments?customer={walked.theirs['customer_id']}",
        "/admin/dues.csv",
        "/admin/containers.csv",
    ]
    for name, period in (
        ("requirement", days),
        ("deliveries", days),
        ("sales", months),
        ("customers", months),
    ):
        for extra in ("", f"&hub={hubs.indiranagar.id}", "&format=csv"):
            pages.append(f"/admin/reports/{name}?{period}{extra}")
    return pages


def _leaks(text: str) -> list[str]:
    return [name for name in THEIRS if name in text]


def test_no_page_of_a_limited_admin_shows_another_hub(
    client: TestClient, session: Session, walked: Walked
) -> None:
    south = factories.login(session, walked.hubs.south_admin)
    client.cookies.set(TOKEN_COOKIE, south.token)
    pages = [p for p in _admin_pages() if "{" not in p] + _extra_pages(walked)
    assert len(pages) >= 40
    for page in pages:
        answer = client.get(page)
        assert answer.status_code < 500, (page, answer.text[:400])
        assert not _leaks(answer.text), (page, _leaks(answer.text))
    # And what the pages show of its own hub is there.
    report = client.get(f"/admin/reports/requirement?start={TODAY}&end={day(1)}&format=csv")
    assert "Jayanagar 4th Block" in report.text
    assert "Lakshmi Rao" in client.get("/admin/billing?month=2026-11").text


def test_a_limited_admins_zip_holds_its_hubs_bills(
    client: TestClient, session: Session, walked: Walked
) -> None:
    client.cookies.set(TOKEN_COOKIE, factories.login(session, walked.hubs.south_admin).token)
    answer = client.get("/admin/billing/pdfs.zip?month=2026-11")
    assert answer.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(answer.content)).namelist()) == 1
    # A route's bills in one PDF: its own route's, never the other hub's.
    month = "/admin/billing/route-bills.pdf?month=2026-11&route="
    assert client.get(f"{month}{walked.hubs.south.id}").status_code == 200
    other = client.get(f"{month}{walked.hubs.east.id}")
    assert other.status_code == 404
    assert not _leaks(other.text)
    client.cookies.set(TOKEN_COOKIE, factories.login(session, walked.hubs.owner).token)
    answer = client.get("/admin/billing/pdfs.zip?month=2026-11")
    assert len(zipfile.ZipFile(io.BytesIO(answer.content)).namelist()) == 2


def test_the_owner_narrows_the_billing_month_to_a_hub(
    client: TestClient, session: Session, walked: Walked
) -> None:
    hubs = walked.hubs
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.owner).token)
    whole = client.get("/admin/billing?month=2026-11").text
    assert 'aria-label="Choose a hub"' in whole
    assert "Asha Iyer" in whole
    assert "Lakshmi Rao" in whole

    south = client.get(f"/admin/billing?month=2026-11&hub={hubs.jayanagar.id}").text

    assert "Lakshmi Rao" in south
    assert not _leaks(south)
    assert f'<option value="{hubs.jayanagar.id}" selected>' in south
    assert f"/admin/billing/pdfs.zip?month=2026-11&amp;hub={hubs.jayanagar.id}" in south
    assert "Run billing" in south  # a run still spans every hub: the owner's to do
    answer = client.get(f"/admin/billing/pdfs.zip?month=2026-11&hub={hubs.jayanagar.id}")
    assert len(zipfile.ZipFile(io.BytesIO(answer.content)).namelist()) == 1
    # A hub that is not among the choices shows every hub, as none chosen.
    assert "Asha Iyer" in client.get("/admin/billing?month=2026-11&hub=999999").text


def test_a_limited_admin_has_no_hub_to_choose_on_the_billing_month(
    client: TestClient, session: Session, walked: Walked
) -> None:
    hubs = walked.hubs
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.south_admin).token)
    page = client.get(f"/admin/billing?month=2026-11&hub={hubs.indiranagar.id}").text
    assert 'aria-label="Choose a hub"' not in page
    assert "Lakshmi Rao" in page
    assert not _leaks(page)


def test_the_owner_sees_what_the_limited_admin_does_not(
    client: TestClient, session: Session, walked: Walked
) -> None:
    """The walk's data is there to leak: the owner's pages show the other hub."""
    client.cookies.set(TOKEN_COOKIE, factories.login(session, walked.hubs.owner).token)
    seen: set[str] = set()
    for page in _extra_pages(walked):
        seen.update(_leaks(client.get(page).text))
    assert seen == set(THEIRS)


def test_every_page_naming_another_hubs_record_is_not_found(
    client: TestClient, session: Session, walked: Walked
) -> None:
    client.cookies.set(TOKEN_COOKIE, factories.login(session, walked.hubs.south_admin).token)
    walked_pages = 0
    for page in _admin_pages():
        names = re.findall(r"\{(\w+)\}", page)
        if not names or not set(names) <= set(IDS):
            continue
        query = f"?date={TODAY.isoformat()}" if page.endswith("/day") else ""
        other = client.get(page.format(**walked.theirs) + query)
        assert other.status_code == 404, (page, other.status_code)
        assert not _leaks(other.text), page
        own = client.get(page.format(**walked.mine) + query)
        assert own.status_code != 404, (page, own.text[:400])
        walked_pages += 1
    assert walked_pages >= 8


def _named_ids(body: Any, key: str) -> Iterator[int]:
    if isinstance(body, dict):
        for k, v in body.items():
            if k == key and isinstance(v, int):
                yield v
            else:
                yield from _named_ids(v, key)
    elif isinstance(body, list):
        for item in body:
            yield from _named_ids(item, key)


def test_no_api_list_of_a_limited_admin_shows_another_hub(
    client: TestClient, session: Session, walked: Walked
) -> None:
    south = factories.login(session, walked.hubs.south_admin).headers
    month = {"month": "2026-11"}
    lists = _api_lists()
    assert len(lists) >= 20
    leaking: list[tuple[str, object]] = []
    for path in lists:
        params = month if ("billing" in path or "statements" in path) else {}
        answer = client.get(path, params=params, headers=south)
        assert answer.status_code < 500, (path, answer.text[:400])
        if _leaks(answer.text):
            leaking.append((path, _leaks(answer.text)))
        if answer.headers.get("content-type", "").startswith("application/json"):
            body = answer.json()
            if set(_named_ids(body, "customer_id")) & walked.east_customers:
                leaking.append((path, "customer_id"))
            if walked.hubs.east.id in set(_named_ids(body, "route_id")):
                leaking.append((path, "route_id"))
    assert leaking == []
    # Narrowed by another hub's record: nothing.
    for name in ("customer_id", "order_id"):
        answer = client.get(
            f"{API}/audit-events", params={name: walked.theirs[name]}, headers=south
        )
        assert answer.json()["items"] == [], name


def test_the_api_details_of_another_hubs_invoice_are_not_found(
    client: TestClient, session: Session, walked: Walked
) -> None:
    south = factories.login(session, walked.hubs.south_admin).headers
    paths = [
        p
        for p, methods in _paths(build_router())
        if "GET" in methods and "{invoice_id}" in p and set(re.findall(r"\{(\w+)\}", p)) <= set(IDS)
    ]
    assert paths
    for path in paths:
        assert client.get(path.format(**walked.theirs), headers=south).status_code == 404, path
        assert client.get(path.format(**walked.mine), headers=south).status_code != 404, path


def test_the_audit_trail_of_a_limited_admin(
    client: TestClient, session: Session, walked: Walked
) -> None:
    """Its hub's customers' and routes' events; no dairy-wide one (a product, a billing run)."""
    south = factories.login(session, walked.hubs.south_admin).headers
    owner = factories.login(session, walked.hubs.owner).headers
    mine = client.get(f"{API}/audit-events", params={"limit": 200}, headers=south).json()["items"]
    every = client.get(f"{API}/audit-events", params={"limit": 200}, headers=owner).json()["items"]
    assert mine
    assert len(mine) < len(every)
    south_customer = walked.mine["customer_id"]
    for event in mine:
        concerns_customer = event["customer_id"] == south_customer
        concerns_route = (
            event["entity_type"] == "route" and event["entity_id"] == walked.mine["route_id"]
        )
        assert concerns_customer or concerns_route or event["entity_type"] == "customer", event
    assert not [e for e in mine if e["action"] in {"billing.run", "product.create"}]
    assert [e for e in every if e["action"] == "billing.run"]
