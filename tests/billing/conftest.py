from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth.models import User
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from tests import factories


@dataclass
class Dairy:
    """A small dairy: an admin, toned milk (no tax) and paneer (5% GST), three customers."""

    admin: User
    milk: Product
    paneer: Product
    asha: Customer
    ravi: Customer
    meera: Customer


@pytest.fixture
def dairy(session: Session) -> Dairy:
    return Dairy(
        admin=factories.admin_user(session),
        milk=factories.product(session, sku="TM500", price="28.00"),
        paneer=factories.product(session, sku="PN200", price="90.00", tax_rate="5.00"),
        asha=factories.customer(session, name="Asha Iyer"),
        ravi=factories.customer(session, name="Ravi Rao"),
        meera=factories.customer(session, name="Meera Nair"),
    )


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    """Billing tests live on 3 December 2026 (IST), November just over."""
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)
