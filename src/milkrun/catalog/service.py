"""Changing the catalog: products and their dated prices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.catalog import errors, queries
from milkrun.catalog.errors import PriceExists, SkuTaken, TaxRateExists
from milkrun.catalog.models import Product, ProductPrice, ProductTaxRate
from milkrun.catalog.schemas import (
    BulkPriceChange,
    PriceCreate,
    ProductCreate,
    ProductUpdate,
    TaxRateCreate,
)
from milkrun.money import to_paise

# Below ₹1,00,00,000, as any price typed in (milkrun.money.Rupees).
MAX_PRICE_PAISE = 9_999_999_99


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
        hsn_code=data.hsn_code,
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


@dataclass(frozen=True)
class PriceChange:
    """One product's price on the day, before and after a bulk change."""

    product: Product
    before_paise: int
    after_paise: int


def _new_price(paise: int, data: BulkPriceChange) -> int:
    if data.rupees is not None:
        return paise + to_paise(data.rupees)
    assert data.percent is not None
    exact = Decimal(paise) * (100 + data.percent) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def change_prices(
    session: Session, data: BulkPriceChange, actor: audit.Actor, *, today: dt.date
) -> list[PriceChange]:
    """Many products' prices raised (or lowered) from one date, all or none: by ``rupees`` or
    ``percent`` of each one's price on that date. With ``dry_run``, what would change, changing
    nothing. Refused whole when a product is unknown or has no price yet, when the date is past
    or already has a price of one of them, or when a price would fall below zero."""
    if data.effective_from < today:
        raise errors.PriceInPast("New prices start today or later; past orders keep their prices")
    ids = sorted(set(data.product_ids))
    products = session.scalars(select(Product).where(Product.id.in_(ids))).all()
    unknown = sorted(set(ids) - {p.id for p in products})
    if unknown:
        raise errors.UnknownProduct(f"There is no product {', '.join(map(str, unknown))}")
    products = sorted(products, key=lambda p: p.sku)
    prices = queries.prices_on(session, ids, data.effective_from)
    unpriced = [p.sku for p in products if p.id not in prices]
    if unpriced:
        raise errors.PriceMissing(
            f"No price yet on {data.effective_from} for {', '.join(unpriced)}"
        )
    taken = session.scalars(
        select(Product.sku)
        .join(ProductPrice, ProductPrice.product_id == Product.id)
        .where(ProductPrice.product_id.in_(ids), ProductPrice.effective_from == data.effective_from)
        .order_by(Product.sku)
    ).all()
    if taken:
        raise errors.PriceExists(
            f"Already a price from {data.effective_from} for {', '.join(taken)}; "
            "change those one by one"
        )
    changes = [PriceChange(p, prices[p.id], _new_price(prices[p.id], data)) for p in products]
    below = [c.product.sku for c in changes if c.after_paise < 0]
    if below:
        raise errors.PriceNegative(f"The price would fall below zero for {', '.join(below)}")
    above = [c.product.sku for c in changes if c.after_paise > MAX_PRICE_PAISE]
    if above:
        raise errors.PriceTooHigh(f"The price would pass ₹1,00,00,000 for {', '.join(above)}")
    if data.dry_run:
        return changes
    rows = [
        ProductPrice(
            product_id=c.product.id,
            price_paise=c.after_paise,
            effective_from=data.effective_from,
            created_by_user_id=actor.user_id,
        )
        for c in changes
    ]
    session.add_all(rows)
    session.flush()
    change = {"rupees": data.rupees} if data.rupees is not None else {"percent": data.percent}
    for row, c in zip(rows, changes, strict=True):
        audit.record(
            session,
            actor,
            "product.price_bulk",
            "product_price",
            row.id,
            before={"product_id": c.product.id, "price_paise": c.before_paise},
            after={**audit.snapshot(row), **change},
        )
    return changes


def add_tax_rate(
    session: Session, product_id: int, data: TaxRateCreate, actor: audit.Actor
) -> ProductTaxRate:
    """A product's GST rate from ``effective_from`` on (``catalog.tax``): one per product per
    date. Bills made after it use it for deliveries from that date; issued bills never change."""
    queries.get_product(session, product_id)
    taken = session.scalar(
        select(ProductTaxRate.id).where(
            ProductTaxRate.product_id == product_id,
            ProductTaxRate.effective_from == data.effective_from,
        )
    )
    if taken is not None:
        raise TaxRateExists(
            f"Product {product_id} already has a tax rate from {data.effective_from.isoformat()}"
        )
    rate = ProductTaxRate(
        product_id=product_id,
        rate_bps=tax_rate_bps(data.tax_rate),
        effective_from=data.effective_from,
        created_by_user_id=actor.user_id,
    )
    session.add(rate)
    session.flush()
    audit.record(
        session, actor, "product.tax_rate", "product", product_id, after=audit.snapshot(rate)
    )
    return rate
