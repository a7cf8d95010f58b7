"""Changing the catalog: products and their dated prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.catalog import queries
from milkrun.catalog.errors import PriceExists, SkuTaken
from milkrun.catalog.models import Product, ProductPrice
from milkrun.catalog.schemas import PriceCreate, ProductCreate, ProductUpdate
from milkrun.money import to_paise


def tax_rate_bps(rate: Decimal) -> int:
    return int(rate * 100)


def create_product(
    session: Session, data: ProductCreate, actor: audit.Actor, *, today: dt.date
) -> Product:
    """A product starts with its first price, effective today unless another date is given."""
    sku = data.sku.strip().upper()
    if queries.product_by_sku(session, sku) is not None:
        raise SkuTaken(f"A product with SKU {sku} already exists")
    product = Product(
        sku=sku,
        name=data.name.strip(),
        unit=data.unit.strip(),
        tax_rate_bps=tax_rate_bps(data.tax_rate),
    )
    session.add(product)
    session.flush()
    price = ProductPrice(
        product_id=product.id,
        price_paise=to_paise(data.price),
        effective_from=data.effective_from or today,
        created_by_user_id=actor.user_id,
    )
    session.add(price)
    session.flush()
    audit.record(
        session,
        actor,
        "product.create",
        "product",
        product.id,
        after={**audit.snapshot(product), "price": audit.snapshot(price)},
    )
    return product


def update_product(
    session: Session, product_id: int, data: ProductUpdate, actor: audit.Actor
) -> Product:
    product = queries.get_product(session, product_id)
    before = audit.snapshot(product)
    changes = data.changes()
    if "tax_rate" in changes:
        product.tax_rate_bps = tax_rate_bps(changes.pop("tax_rate"))
    for field, value in changes.items():
        setattr(product, field, value.strip() if isinstance(value, str) else value)
    session.flush()
    audit.record(
        session,
        actor,
        "product.update",
        "product",
        product.id,
        before=before,
        after=audit.snapshot(product),
    )
    return product


def add_price(
    session: Session, product_id: int, data: PriceCreate, actor: audit.Actor
) -> ProductPrice:
    """One price per product per effective date; a new date starts a new price."""
    queries.get_product(session, product_id)
    taken = session.scalar(
        select(ProductPrice.id).where(
            ProductPrice.product_id == product_id,
            ProductPrice.effective_from == data.effective_from,
        )
    )
    if taken is not None:
        raise PriceExists(
            f"Product {product_id} already has a price effective {data.effective_from}",
        )
    price = ProductPrice(
        product_id=product_id,
        price_paise=to_paise(data.price),
        effective_from=data.effective_from,
        created_by_user_id=actor.user_id,
    )
    session.add(price)
    session.flush()
    audit.record(
        session,
        actor,
        "product.price_add",
        "product_price",
        price.id,
        after=audit.snapshot(price),
    )
    return price
