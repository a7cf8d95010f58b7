"""A limited admin runs no job of the whole dairy: generating a day, a billing run or finalize,
the day close answer 403 ``hub_limited_admin`` on the API and on the pages, and change nothing;
the unlimited admin runs them as before."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.billing.models import Invoice
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.orders.models import Order
from tests import factories
from tests.hubs.two_hubs import TwoHubs
from tests.order_book import TODAY, day

API = "/api/v1"


def _orders(session: Session) -> int:
    return session.scalar(select(func.count(Order.id))) or 0


def test_the_api_refuses_dairy_jobs_to_a_limited_admin(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    south = factories.login(session, hubs.south_admin).headers
    owner = factories.login(session, hubs.owner).headers
    calls = [
        ("/orders/generate", {"date": day(1).isoformat()}),
        ("/billing/runs", {"month": TODAY.strftime("%Y-%m")}),
        ("/day-closes", {"date": day(-1).isoformat()}),
    ]
    for path, body in calls:
        refused = client.post(API + path, json=body, headers=south)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["code"] == "hub_limited_admin"
    assert _orders(session) == 0
    assert session.scalar(select(func.count(Invoice.id))) == 0
    done = client.post(f"{API}/orders/generate", json={"date": day(1).isoformat()}, headers=owner)
    assert done.status_code == 200, done.text
    assert _orders(session) == 4


def test_the_pages_refuse_dairy_jobs_to_a_limited_admin(
    client: TestClient, session: Session, hubs: TwoHubs
) -> None:
    client.cookies.set(TOKEN_COOKIE, factories.login(session, hubs.south_admin).token)
    month = TODAY.strftime("%Y-%m")
    for path, data in [
        ("/admin/orders/generate", {"date": day(1).isoformat()}),
        ("/admin/billing/run", {"month": month}),
        ("/admin/billing/finalize", {"month": month}),
    ]:
        refused = client.post(path, data=data, follow_redirects=False)
        assert refused.status_code == 403, (path, refused.text)
        assert "text/html" in refused.headers["content-type"]
        assert "hub" in refused.text
    assert _orders(session) == 0
