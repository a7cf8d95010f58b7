"""The price on a date is the price with the latest effective_from on or before it, and the
catalog's two statements of that rule (SQL for set-based reads, memory for bulk jobs) agree with
each other, with the due relation that materializes orders, and with the rule written plainly."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from milkrun.catalog import queries
from milkrun.catalog.models import ProductPrice
from milkrun.catalog.prices import PriceList
from milkrun.orders.due import due_on
from tests import factories

EPOCH = dt.date(2026, 1, 1)

# Per product: {days after EPOCH: price in paise}; the dict keys make the dates distinct.
price_lists = st.lists(
    st.dictionaries(st.integers(0, 400), st.integers(0, 500_000), min_size=0, max_size=6),
    min_size=1,
    max_size=4,
)


def reference_price(prices: dict[int, int], on: int) -> int | None:
    """The rule, written the plain way: look at every price, keep the latest that has started."""
    started = [day for day in prices if day <= on]
    return prices[max(started)] if started else None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lists=price_lists, on=st.integers(-5, 410))
def test_prices_on_agrees_with_the_plain_rule(
    session: Session, lists: list[dict[int, int]], on: int
) -> None:
    savepoint = session.begin_nested()
    try:
        products = []
        for prices in lists:
            product = factories.product(session, price="1.00", since=dt.date(2026, 1, 1))
            # Replace the factory's first price with this example's price list.
            session.query(ProductPrice).filter_by(product_id=product.id).delete()
            for day, paise in prices.items():
                session.add(
                    ProductPrice(
                        product_id=product.id,
                        price_paise=paise,
                        effective_from=EPOCH + dt.timedelta(days=day),
                    )
                )
            products.append(product)
        session.flush()

        date = EPOCH + dt.timedelta(days=on)
        found = queries.prices_on(session, [p.id for p in products], date)
        expected = {
            p.id: price
            for p, prices in zip(products, lists, strict=True)
            if (price := reference_price(prices, on)) is not None
        }
        assert found == expected
        price_list = PriceList(
            (p.id, EPOCH + dt.timedelta(days=day), paise)
            for p, prices in zip(products, lists, strict=True)
            for day, paise in prices.items()
        )
        for product, prices in zip(products, lists, strict=True):
            assert queries.price_on(session, product.id, date) == reference_price(prices, on)
            assert price_list.on(product.id, date) == reference_price(prices, on)
    finally:
        savepoint.rollback()


def test_prices_on_no_products(session: Session) -> None:
    assert queries.prices_on(session, [], EPOCH) == {}


def test_the_due_relation_prices_each_date_as_the_catalog(session: Session) -> None:
    """The orders of a date carry the catalog's price of that date, changes included."""
    product = factories.product(session, price="30.00", since=EPOCH)
    for day, paise in ((10, 3200), (11, 3100), (40, 3500)):
        session.add(
            ProductPrice(
                product_id=product.id,
                price_paise=paise,
                effective_from=EPOCH + dt.timedelta(days=day),
            )
        )
    customer = factories.customer(session, route=factories.route(session))
    subscription = factories.subscription(session, customer=customer, product=product, start=EPOCH)
    seen = set()
    for offset in range(-2, 45):
        date = EPOCH + dt.timedelta(days=offset)
        due = session.execute(due_on(date)).mappings().all()
        rows = {row["subscription_id"]: row["unit_price_paise"] for row in due}
        expected = queries.price_on(session, product.id, date)
        if offset < 0:
            assert expected is None
            assert subscription.id not in rows
            continue
        assert rows[subscription.id] == expected
        seen.add(expected)
    assert seen == {3000, 3200, 3100, 3500}
