"""The owner's pages of the delivery round: cash handovers (confirm, a bad amount re-renders
the form and changes nothing), the returnable containers report and its CSV, the board's counts
and the dues page's cash with delivery boys."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payments.models import CashHandover, Payment
from tests.containers.conftest import Round
from tests.containers.conftest import walk as walk  # the fixture

CASH = "/api/v1/delivery-boy/cash"
STOP = "/api/v1/delivery-boy/containers"


@pytest.fixture
def day(client: TestClient, walk: Round) -> Round:
    """Ravi's morning: bottles at Asha's and ₹1,250.50 taken at her door."""
    client.post(STOP, json=walk.stop(walk.asha, 3, 0), headers=walk.boy.headers)
    client.post(STOP, json=walk.stop(walk.asha, 0, 1), headers=walk.boy.headers)
    body = {
        "customer_id": walk.asha.id,
        "delivery_date": walk.date.isoformat(),
        "amount": "1250.50",
    }
    assert client.post(CASH, json=body, headers=walk.boy.headers).status_code == 201
    client.cookies.set(TOKEN_COOKIE, walk.admin.token)
    return walk


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_the_owner_confirms_a_handover_and_a_bad_amount_changes_nothing(
    client: TestClient, session: Session, day: Round
) -> None:
    path = f"/admin/cash-handovers?date={day.date.isoformat()}"
    sheet = client.get(path)
    assert sheet.status_code == 200
    assert "Ravi" in sheet.text
    assert "₹1,250.50" in sheet.text
    form = {
        "csrf_token": _csrf(client, path),
        "delivery_boy_id": str(day.boy.user.id),
        "date": day.date.isoformat(),
        "handed_over": "12,00x",
        "note": "counted at 9",
    }
    bad = client.post("/admin/cash-handovers", data=form)
    assert bad.status_code == 400
    assert "Handed over: rupees" in bad.text
    assert 'value="12,00x"' in bad.text
    assert 'value="counted at 9"' in bad.text
    assert session.scalars(select(CashHandover)).all() == []

    form["handed_over"] = "₹1,200"
    done = client.post("/admin/cash-handovers", data=form, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Handover confirmed" in page.text
    assert "₹50.50 short" in page.text
    assert [p.amount_paise for p in session.scalars(select(Payment))] == [125050]


def test_the_containers_report_shows_the_route_count_and_offers_its_csv(
    client: TestClient, day: Round
) -> None:
    page = client.get(f"/admin/containers?date={day.date.isoformat()}")
    assert page.status_code == 200
    assert "Jayanagar Glass" in page.text
    assert "Showing 1 of 1 holding" in page.text
    csv = client.get("/admin/containers.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "customer_id,customer,route,container,held,deposit",
        f"{day.asha.id},Asha,Jayanagar Glass,1 L glass bottle,2,100.00",
    ]
    assert "/admin/containers" in client.get("/admin/reports").text


def test_the_board_and_the_dues_page_show_the_round(client: TestClient, day: Round) -> None:
    board = client.get("/admin")
    assert board.status_code == 200
    assert 'id="round"' in board.text
    assert "₹1,250.50" in board.text
    dues = client.get("/admin/dues")
    assert 'id="with-delivery-boys"' in dues.text
    assert "₹1,250.50" in dues.text
