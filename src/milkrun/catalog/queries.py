from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.catalog import prices
from milkrun.catalog.errors import ProductNotFound
from milkrun.catalog.models import Product, ProductPrice, ProductTaxRate
from milkrun.db.pagination import paginate


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise ProductNotFound(f"There is no product {product_id}")
    return product


def product_by_sku(session: Session, sku: str) -> Product | None:
    return session.scalar(select(Product).where(Product.sku == sku))


def list_products(
    session: Session, *, limit: int, cursor: str | None, is_active: bool | None = None
) -> tuple[Sequence[Product], str | None]:
    statement = select(Product)
    if is_active is not None:
        statement = statement.where(Product.is_active == is_active)
    return paginate(session, statement, Product.id, limit=limit, cursor=cursor)


def price_history(session: Session, product_id: int) -> Sequence[ProductPrice]:
    get_product(session, product_id)
    return session.scalars(
        select(ProductPrice)
        .where(ProductPrice.product_id == product_id)
        .order_by(ProductPrice.effective_from)
    ).all()


def prices_on(session: Session, product_ids: Iterable[int], on: dt.date) -> dict[int, int]:
    """The price (paise) of each product on a date (``prices.in_force``).

    Products with no price yet on that date are absent from the result.
    """
    ids = list(product_ids)
    if not ids:
        return {}
    price = prices.in_force(on, ids)
    rows = session.execute(select(price.c.product_id, price.c.price_paise))
    # A Result has keys() (its column names), so dict() needs its rows, not the Result.
    return dict(rows.all())


def price_on(session: Session, product_id: int, on: dt.date) -> int | None:
    return prices_on(session, [product_id], on).get(product_id)


def count_products(session: Session, *, is_active: bool | None = None) -> int:
    statement = select(func.count()).select_from(Product)
    if is_active is not None:
        statement = statement.where(Product.is_active == is_active)
    return session.scalar(statement) or 0


def product_labels(session: Session) -> dict[int, str]:
    """Every product's name and unit by id ("Toned milk (500 ml pouch)"), for lists and reports."""
    rows = session.execute(select(Product.id, Product.name, Product.unit))
    return {id_: f"{name} ({unit})" for id_, name, unit in rows}


def products_on_sale(session: Session) -> Sequence[Product]:
    """Every active product, by id: the choices of a form (all of them, never a page)."""
    return session.scalars(select(Product).where(Product.is_active).order_by(Product.id)).all()


def tax_rate_history(session: Session, product_id: int) -> list[ProductTaxRate]:
    """The product's dated GST rates, the latest start first (a product has a handful)."""
    return list(
        session.scalars(
            select(ProductTaxRate)
            .where(ProductTaxRate.product_id == product_id)
            .order_by(ProductTaxRate.effective_from.desc())
        )
    )
