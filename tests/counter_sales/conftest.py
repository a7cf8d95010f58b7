from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.catalog.models import Product
from tests import factories


@pytest.fixture(autouse=True)
def _steady_clock() -> None:
    clock.freeze(clock.now())


@dataclass
class Shop:
    admin: factories.Login
    milk: Product  # ₹28, nil-rated, HSN 0401
    ghee: Product  # ₹650, 12 %, HSN 0405
    paneer: Product  # ₹90, 5 %, HSN 0406


@pytest.fixture
def shop(session: Session) -> Shop:
    admin = factories.login(session, factories.admin_user(session))
    milk = factories.product(session, sku="MILK", price="28.00")
    ghee = factories.product(session, sku="GHEE", price="650.00", tax_rate="12.00")
    paneer = factories.product(session, sku="PANEER", price="90.00", tax_rate="5.00")
    for product, name, hsn in (
        (milk, "Toned milk", "0401"),
        (ghee, "Cow ghee", "0405"),
        (paneer, "Paneer", "0406"),
    ):
        product.name, product.hsn_code = name, hsn
    session.flush()
    return Shop(admin=admin, milk=milk, ghee=ghee, paneer=paneer)
