"""The wallet on the admin customer page (prepaid or postpaid, a threshold; a refused form is
shown again with what was typed and changes nothing) and tomorrow's low wallets on the board."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def owner(client: TestClient, session: Session) -> TestClient:
    admin = factories.login(session, factories.admin_user(session, name="Priya Admin"))
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_the_owner_makes_a_customer_prepaid_with_its_own_threshold(
    owner: TestClient, session: Session
) -> None:
    customer = factories.customer(session, name="Asha Iyer")
    page = owner.get(f"/admin/customers/{customer.id}")
    assert "Pays on the monthly bill (postpaid)." in _text(page.text)
    saved = owner.post(
        f"/admin/customers/{customer.id}/wallet",
        data={"is_prepaid": "true", "threshold": "₹1,50.00"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    session.expire_all()
    stored = session.get(Customer, customer.id)
    assert stored is not None
    assert (stored.is_prepaid, stored.wallet_threshold_paise) == (True, 15000)
    shown = _text(owner.get(f"/admin/customers/{customer.id}").text)
    assert "Prepaid · balance ₹0.00 · deliveries stop below ₹150.00" in shown


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"is_prepaid": "true", "threshold": "lots"}, 400, "The threshold is an amount in rupees"),
        ({"is_prepaid": "true", "threshold": "-5"}, 400, "The threshold is an amount in rupees"),
        ({"threshold": "20.00"}, 409, "is not prepaid"),
    ],
)
def test_a_refused_wallet_form_is_shown_again_and_changes_nothing(
    owner: TestClient, session: Session, form: dict[str, str], status: int, message: str
) -> None:
    customer = factories.customer(session, name="Asha Iyer")
    events = _events(session)
    page = owner.post(f"/admin/customers/{customer.id}/wallet", data=form)
    assert page.status_code == status, page.text
    assert message in html.unescape(page.text)
    assert f'value="{form["threshold"]}"' in page.text
    session.expire_all()
    stored = session.get(Customer, customer.id)
    assert stored is not None
    assert (stored.is_prepaid, stored.wallet_threshold_paise) == (False, None)
    assert _events(session) == events


def test_the_board_lists_tomorrows_low_wallets_before_generation(
    owner: TestClient, session: Session
) -> None:
    milk = factories.product(session, sku="TM500", price="28.00")
    low = factories.customer(session, name="Manoj Sharma")
    fine = factories.customer(session, name="Revathi Hegde")
    for customer in (low, fine):
        factories.subscription(session, customer=customer, product=milk)
        owner.post(
            f"/admin/customers/{customer.id}/wallet",
            data={"is_prepaid": "true", "threshold": ""},
            follow_redirects=False,
        )
    owner.post(
        "/admin/payments",
        data={"customer_id": str(fine.id), "amount": "500", "method": "cash", "reference": ""},
        follow_redirects=False,
    )
    board = _text(owner.get("/admin").text)
    assert "Low balance: not delivered 1" in board
    assert "Manoj Sharma wallet ₹0.00, needs ₹28.00" in board
    assert "Revathi Hegde wallet" not in board
