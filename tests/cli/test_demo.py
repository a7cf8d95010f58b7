"""``milkrun demo seed``: the demo dairy, the same after a second run."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.db.session import Database
from milkrun.demo import seed
from milkrun.routing.models import Route
from tests.cli.conftest import RunCli


def _census(session: Session) -> dict[str, object]:
    def count(*where: object) -> int:
        return session.scalar(select(func.count()).where(*where)) or 0  # type: ignore[arg-type]

    return {
        "customers": count(Customer.id.is_not(None)),
        "customer logins": count(User.role == "customer", User.customer_id.is_not(None)),
        "delivery boys": count(User.role == "delivery_boy"),
        "admins": count(User.role == "admin"),
        "routes": sorted(session.scalars(select(Route.shift))),
        "products": sorted(session.scalars(select(Product.sku))),
        "customers without a route": count(Customer.route_id.is_(None)),
    }


EXPECTED = {
    "customers": 60,
    "customer logins": 60,
    "delivery boys": 3,
    "admins": 2,  # the owner and the Jayanagar hub manager
    "routes": ["evening", "morning", "morning"],
    # The products, and the one the glass bottle's deposits are billed under.
    "products": sorted([*(sku for sku, *_ in seed.PRODUCTS), "DEP-GLASS1L"]),
    "customers without a route": 0,
}


def test_demo_seed_twice_makes_one_dairy(
    run_cli: RunCli, new_database_url: Callable[[], str]
) -> None:
    url = new_database_url()
    first = run_cli(url, "demo", "seed")
    assert first.exit_code == 0, first.output
    assert seed.ADMIN_EMAIL in first.output
    assert seed.ADMIN_PASSWORD in first.output

    second = run_cli(url, "demo", "seed")
    assert second.exit_code == 0, second.output
    assert seed.ADMIN_EMAIL in second.output

    database = Database(url)
    try:
        with database.session_scope(write=False) as session:
            assert _census(session) == EXPECTED
            stops = session.execute(
                select(Customer.route_id, Customer.stop_sequence).order_by(
                    Customer.route_id, Customer.stop_sequence
                )
            ).all()
    finally:
        database.dispose()
    by_route: dict[int, list[int]] = {}
    for route_id, sequence in stops:
        assert route_id is not None
        assert sequence is not None
        by_route.setdefault(route_id, []).append(sequence)
    assert sorted(len(s) for s in by_route.values()) == [20, 20, 20]
    for sequences in by_route.values():
        assert sequences == list(range(1, 21))


def test_the_printed_logins_work(run_cli: RunCli, new_database_url: Callable[[], str]) -> None:
    from fastapi.testclient import TestClient

    from milkrun.app import create_app
    from milkrun.config import Settings
    from tests.conftest import TEST_SECRET

    url = new_database_url()
    result = run_cli(url, "demo", "seed")
    assert result.exit_code == 0, result.output
    logins = [
        (seed.ADMIN_EMAIL, seed.ADMIN_PASSWORD, "admin"),
        (seed.DELIVERY_BOYS[0][1], seed.STAFF_PASSWORD, "delivery_boy"),
        ("9845010001", seed.CUSTOMER_PASSWORD, "customer"),
    ]
    # Printed whole, as typed at the login page (a table narrowed to 80 columns once cut the
    # e-mail addresses and passwords short with an ellipsis).
    for text in (
        seed.ADMIN_EMAIL,
        seed.ADMIN_PASSWORD,
        seed.STAFF_PASSWORD,
        seed.CUSTOMER_PASSWORD,
    ):
        assert text in result.output, text
    assert "…" not in result.output
    database = Database(url)
    try:
        settings = Settings(env="test", database_url=url, secret_key=TEST_SECRET)
        with TestClient(create_app(settings, database)) as client:
            for username, password, role in logins:
                response = client.post(
                    "/api/v1/auth/login", json={"username": username, "password": password}
                )
                assert response.status_code == 200, (username, response.text)
                token = response.json()["access_token"]
                me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
                assert me.json()["role"] == role
    finally:
        database.dispose()


def test_the_logins_are_printed_whole_on_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` prints through a pipe, where rich assumes 80 columns: the table once cut the
    e-mail addresses and passwords short with an ellipsis ("admin@demo.milkru…")."""
    import io

    from rich.console import Console

    from milkrun.cli import demo

    out = io.StringIO()
    monkeypatch.setattr(demo, "console", Console(file=out, width=80))
    logins = seed.Logins(
        admin=(seed.ADMIN_EMAIL, seed.ADMIN_PASSWORD),
        hub_admin=("jayanagar@demo.milkrun.in", "demo-hub-2026"),
        delivery_boys=[("Ravi Kumar", "+919000000001", seed.STAFF_PASSWORD)],
        customers=[("Manoj Kulkarni", "+919845010003", seed.CUSTOMER_PASSWORD)],
    )
    demo._print_logins(logins)
    printed = out.getvalue()
    for text in (seed.ADMIN_EMAIL, "jayanagar@demo.milkrun.in", seed.ADMIN_PASSWORD):
        assert text in printed, printed
    for text in (seed.STAFF_PASSWORD, seed.CUSTOMER_PASSWORD, "+919845010003"):
        assert text in printed, printed
    assert "…" not in printed
