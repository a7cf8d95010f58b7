from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.containers import service
from milkrun.containers.models import ContainerType
from milkrun.customers.models import Customer
from milkrun.routing.models import Route
from tests import factories
from tests.deliveries import factories as day_factories


@pytest.fixture(autouse=True)
def _steady_clock() -> None:
    clock.freeze(clock.now())


@dataclass
class Round:
    date: dt.date
    route: Route
    boy: factories.Login
    admin: factories.Login
    bottle: ContainerType
    asha: Customer
    ravi_far: Customer  # on another route

    def stop(self, customer: Customer, given: int, returned: int) -> dict[str, object]:
        return {
            "customer_id": customer.id,
            "delivery_date": self.date.isoformat(),
            "containers": [
                {"container_type_id": self.bottle.id, "given": given, "returned": returned}
            ],
        }


@pytest.fixture
def walk(session: Session) -> Round:
    boy = factories.login(session, factories.delivery_boy_user(session, name="Ravi"))
    admin = factories.login(session, factories.admin_user(session))
    route = factories.route(session, delivery_boy=boy.user, name="Jayanagar Glass")
    other = factories.route(session, name="Elsewhere")
    bottle = service.create_type(
        session, factories.ACTOR, name="1 L glass bottle", deposit_paise=5000, sku="DEP-BTL1"
    )
    milk = factories.product(session, sku="A2GLASS", price="90.00")
    service.comes_in(session, factories.ACTOR, milk.id, bottle.id)
    return Round(
        date=day_factories.today(),
        route=route,
        boy=boy,
        admin=admin,
        bottle=bottle,
        asha=factories.customer(session, route=route, name="Asha"),
        ravi_far=factories.customer(session, route=other, name="Far away"),
    )
