"""The payments list per hub: a limited admin sees (and counts) its hub's customers' payments
only, on the API and on the page; the unlimited admin sees every payment."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.hubs.two_hubs import TwoHubs

API = "/api/v1"


def test_payments_per_hub(client: TestClient, session: Session, hubs: TwoHubs) -> None:
    south = factories.login(session, hubs.south_admin)
    owner = factories.login(session, hubs.owner).headers
    for customer, reference in ((hubs.dairy.customer, "EAST-1"), (hubs.south_customer, "SOUTH-1")):
        body = {
            "customer_id": customer.id,
            "amount": "500.00",
            "method": "upi",
            "reference": reference,
        }
        assert client.post(f"{API}/payments", json=body, headers=owner).status_code == 201
    every = client.get(f"{API}/payments", headers=owner).json()["items"]
    assert len(every) == 2
    mine = client.get(f"{API}/payments", headers=south.headers).json()["items"]
    assert [p["customer_id"] for p in mine] == [hubs.south_customer.id]
    client.cookies.set(TOKEN_COOKIE, south.token)
    page = client.get("/admin/payments")
    assert page.status_code == 200
    assert "SOUTH-1" in page.text
    assert "EAST-1" not in page.text
