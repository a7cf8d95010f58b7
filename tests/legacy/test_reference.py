"""Products, routes and customers of the old system: what is new is created, what milkrun has
already (a SKU, a route name) is that record, references resolve or the export is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.catalog import queries as catalog_queries
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.legacy.errors import ExportError
from milkrun.routing.models import Route
from tests import factories
from tests.legacy.conftest import RunImport
from tests.legacy.export import Export


def _product(session: Session, sku: str) -> Product:
    product = catalog_queries.product_by_sku(session, sku)
    assert product is not None
    return product


def test_products_with_their_price_lists(session: Session, run_import: RunImport) -> None:
    export = (
        Export()
        .product("p-1", "tm500", tax_rate="5", prices=[
            {"price": "26.00", "from": "2025-04-01"}, {"price": 28, "from": "2026-10-05"},
        ], price=None)
        .product("p-2", "CURD500", name="Curd", unit="500 g cup", price=35, active=False)
    )  # fmt: skip

    report = run_import(export)

    milk, curd = _product(session, "TM500"), _product(session, "CURD500")
    assert (milk.name, milk.unit, milk.tax_rate_bps, milk.is_active) == (
        "Toned milk",
        "500 ml pouch",
        500,
        True,
    )
    assert [
        (p.effective_from, p.price_paise) for p in catalog_queries.price_history(session, milk.id)
    ] == [
        (dt.date(2025, 4, 1), 2600),
        (dt.date(2026, 10, 5), 2800),
    ]
    assert catalog_queries.price_on(session, curd.id, dt.date(2001, 1, 1)) == 3500
    assert curd.is_active is False
    assert report.counts("products").created == 2


def test_a_sku_milkrun_has_keeps_its_prices(session: Session, run_import: RunImport) -> None:
    """The old prices before its first one are added; none of the prices in force changes."""
    milk = factories.product(session, sku="TM500", price="30.00", since=dt.date(2026, 10, 1))
    export = Export().product("p-1", "TM500", price=None, prices=[
        {"price": "25.00", "from": "2025-01-01"},
        {"price": "26.00", "from": "2026-04-01"},
        {"price": "29.00", "from": "2026-10-01"},
        {"price": "31.00", "from": "2026-11-01"},
    ])  # fmt: skip

    report = run_import(export)

    history = catalog_queries.price_history(session, milk.id)
    assert [(p.effective_from.isoformat(), p.price_paise) for p in history] == [
        ("2025-01-01", 2500),
        ("2026-04-01", 2600),
        ("2026-10-01", 3000),
    ]
    products = report.counts("products")
    assert (products.created, products.existing) == (0, 1)


def test_routes_and_customers(session: Session, run_import: RunImport) -> None:
    boy = factories.delivery_boy_user(session, phone="+919000020001")
    existing = factories.route(session, name="Koramangala Evening")
    export = (
        Export()
        .route("r-1", "Indiranagar Morning", delivery_boy="90000 20001")
        .route("r-2", "Koramangala Evening", shift="evening")
        .route("r-3", "HAL Morning", delivery_boy="9000029999")
        .customer("c-1", "98450 10001", route="r-1", stop=2, email="Asha@Example.in")
        .customer("c-2", "+91 98450 10002", route="Koramangala Evening")
        .customer("c-3", "098450 10003", route="HAL Morning", active=False)
        .customer("c-4", "9845010001")  # c-1's phone
        .customer("c-5", "9845010001", active=False)
    )

    report = run_import(export)

    indiranagar = session.scalar(select(Route).where(Route.name == "Indiranagar Morning"))
    hal = session.scalar(select(Route).where(Route.name == "HAL Morning"))
    assert indiranagar is not None
    assert hal is not None
    assert (indiranagar.delivery_boy_id, hal.delivery_boy_id) == (boy.id, None)
    customers = {
        c.name: c
        for c in session.scalars(select(Customer).where(Customer.name.like("Customer c-%")))
    }
    c1, c2, c3, c4, c5 = (customers[f"Customer c-{n}"] for n in range(1, 6))
    assert (c1.phone, c1.email, c1.route_id, c1.stop_sequence, c1.is_active) == (
        "+919845010001",
        "asha@example.in",
        indiranagar.id,
        2,
        True,
    )
    assert c2.route_id == existing.id
    assert (c3.route_id, c3.is_active) == (hal.id, False)
    assert (c4.is_active, c5.is_active) == (False, False)  # c-1 has the phone
    assert {(n.legacy_id, n.code) for n in report.notices} == {
        ("r-3", "unknown_delivery_boy"),
        ("c-4", "phone_taken"),
    }
    routes = report.counts("routes")
    assert (routes.created, routes.existing) == (2, 1)


@pytest.mark.parametrize(
    ("export", "message"),
    [
        (
            Export().customer("c-1", "9845010001", route="Nowhere"),
            "customers.jsonl line 1, field 'route': no route has the _id or name 'Nowhere'",
        ),
        (
            Export().product("p-1", "TM500").product("p-2", "tm500"),
            "products.jsonl line 2, field 'sku': 'TM500' is also the sku on line 1",
        ),
        (
            Export().route("r-1", "East").route("r-2", "East"),
            "routes.jsonl line 2, field 'name': 'East' is also the name on line 1",
        ),
        (
            Export().customer("c-1", "9845010001").subscription("s-1", "c-1"),
            "subscriptions.jsonl line 1, field 'product': no product has the SKU 'TM500'",
        ),
        (
            Export().product().subscription("s-1", "c-9"),
            "subscriptions.jsonl line 1, field 'customer': no customer has the _id 'c-9'",
        ),
    ],
)
def test_a_reference_to_nothing_is_fatal(
    run_import: RunImport, export: Export, message: str
) -> None:
    with pytest.raises(ExportError) as caught:
        run_import(export)
    assert caught.value.detail == message
