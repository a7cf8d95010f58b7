"""The owner's counter (/admin/counter): a sale makes a printable cash memo; bad input
re-renders the form with the typed quantities and changes nothing; today's sales and totals
(also on the today board); a void with a reason; forms need the CSRF token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.counter_sales.models import CounterSale
from milkrun.http.deps import TOKEN_COOKIE
from tests.counter_sales.conftest import Shop
from tests.counter_sales.conftest import _steady_clock as _steady_clock  # the fixture
from tests.counter_sales.conftest import shop as shop  # the fixture

PAGE = "/admin/counter"


def _count(session: Session) -> int:
    return session.scalar(select(func.count(CounterSale.id))) or 0


@pytest.fixture
def owner(client: TestClient, shop: Shop) -> Shop:
    client.cookies.set(TOKEN_COOKIE, shop.admin.token)
    return shop


def _form(
    shop: Shop, milk: str = "", ghee: str = "", paneer: str = "", **more: str
) -> dict[str, object]:
    return {
        "product_id": [str(shop.ghee.id), str(shop.paneer.id), str(shop.milk.id)],
        "quantity": [ghee, paneer, milk],
        **more,
    }


def test_a_sale_makes_a_printable_cash_memo_and_counts_today(
    client: TestClient, session: Session, owner: Shop
) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No sale yet today." in page.text
    assert 'href="/admin/counter"' in page.text  # in the console nav
    assert "₹650.00" in page.text

    memo = client.post(PAGE, data=_form(owner, milk="2", ghee="1", method="upi", reference="UTR1"))
    assert memo.status_code == 200
    assert "Cash memo CM/" in memo.text
    assert "data-print" in memo.text
    assert "₹706.00" in memo.text  # 2 × 28 + 650
    assert "₹34.82" in memo.text  # CGST within the ghee
    assert "UTR1" in memo.text

    today = client.get(PAGE)
    assert "Showing 1 of 1 cash memo" in today.text
    assert "UPI ₹706.00" in today.text
    board = client.get("/admin")
    assert "Counter sales today" in board.text
    assert "₹706.00" in board.text


def test_bad_input_re_renders_with_the_typed_values_and_changes_nothing(
    client: TestClient, session: Session, owner: Shop
) -> None:
    nothing = client.post(PAGE, data=_form(owner, method="cash"))
    assert nothing.status_code == 400
    assert "Pick at least one product" in nothing.text
    bad = client.post(PAGE, data=_form(owner, milk="2x", ghee="1", method="cash"))
    assert bad.status_code == 400
    assert "whole number" in bad.text
    assert 'value="2x"' in bad.text
    no_method = client.post(PAGE, data=_form(owner, milk="3"))
    assert no_method.status_code == 400
    assert "cash or UPI" in no_method.text
    assert 'value="3"' in no_method.text
    assert _count(session) == 0


def test_a_void_needs_a_reason_and_keeps_the_number(
    client: TestClient, session: Session, owner: Shop
) -> None:
    client.post(PAGE, data=_form(owner, paneer="1", method="cash"))
    sale = session.scalars(select(CounterSale)).one()
    empty = client.post(f"{PAGE}/{sale.id}/void", data={"reason": "  "})
    assert empty.status_code == 400
    assert "Say why" in empty.text
    done = client.post(f"{PAGE}/{sale.id}/void", data={"reason": "Customer changed mind"})
    assert done.status_code == 200
    assert "listed as cancelled" in done.text
    assert "Cancelled: Customer changed mind" in done.text
    session.refresh(sale)
    assert sale.status == "void"
    listed = client.get(PAGE)
    assert sale.number in listed.text
    assert "void" in listed.text
    assert "<strong>₹0.00</strong> from 0 sales" in listed.text
    assert "; 1 void" in listed.text
    assert client.get(f"{PAGE}/999999").status_code == 404


def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, session: Session, owner: Shop
) -> None:
    answer = client.post(PAGE, data=_form(owner, milk="1", method="cash"), csrf=False)
    assert answer.status_code == 403
    assert _count(session) == 0
