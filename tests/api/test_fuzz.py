"""Fuzzing the API from its own OpenAPI schema (schemathesis), as an admin, in-process.

Every operation gets generated requests, valid and invalid; none may answer 5xx, and every
answer must match what the schema documents for its status (problems included). Half the
generated path ids are swapped for ids of real records, so the fuzz reaches past "not found".

The app is built once, at import, because schemathesis parametrizes the test from its schema;
each test then points it at that test's rolled-back transaction (``app.state``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session

from milkrun.app import create_app
from milkrun.config import Settings
from milkrun.db.session import Database
from tests import factories
from tests.conftest import TEST_SECRET
from tests.factories import Login

app = create_app(
    Settings(env="test", database_url="sqlite://", secret_key=TEST_SECRET), Database("sqlite://")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(autouse=True)
def _app_on_this_tests_database(database: Database, settings: Settings) -> Iterator[None]:
    placeholder = app.state.database, app.state.settings
    app.state.database, app.state.settings = database, settings
    yield
    app.state.database, app.state.settings = placeholder


@pytest.fixture
def real_ids(session: Session) -> dict[str, int]:
    boy = factories.delivery_boy_user(session, name="Fuzz boy")
    route = factories.route(session, delivery_boy=boy)
    with_login = factories.customer_user(session, route=route, name="Fuzz customer")
    factories.customer(session, name="Fuzz customer without login")
    assert with_login.customer_id is not None
    product = factories.product(session)
    subscription = factories.subscription(session, customer=with_login.customer_id, product=product)
    return {
        "customer_id": with_login.customer_id,
        "user_id": boy.id,
        "route_id": route.id,
        "product_id": product.id,
        "subscription_id": subscription.id,
        "pause_id": factories.pause(
            session, customer_id=with_login.customer_id, start=dt.date(2026, 6, 1)
        ).id,
        "order_id": factories.one_time_order(
            session,
            customer_id=with_login.customer_id,
            product_id=product.id,
            day=dt.date(2026, 6, 2),
        ).id,
    }


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case: Any, admin: Login, real_ids: dict[str, int]) -> None:
    for name, value in (case.path_parameters or {}).items():
        if name in real_ids and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = real_ids[name]
    case.call_and_validate(
        headers=admin.headers, checks=[not_a_server_error, response_schema_conformance]
    )
