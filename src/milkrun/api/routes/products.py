from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    CurrentUser,
    Cursor,
    Limit,
    PathId,
    SessionDep,
    SettingsDep,
)
from milkrun.catalog import queries, service
from milkrun.catalog.models import Product, ProductPrice
from milkrun.catalog.schemas import (
    BulkPriceChange,
    BulkPriceLine,
    BulkPriceRead,
    PriceCreate,
    PriceReach,
    PriceRead,
    ProductCreate,
    ProductRead,
    ProductUpdate,
    TaxRateCreate,
    TaxRateRead,
)
from milkrun.db.pagination import Page
from milkrun.money import to_rupees
from milkrun.subscriptions import reach

router = APIRouter(prefix="/products", tags=["catalog"])


def _reads(session: Session, products: list[Product], settings: SettingsDep) -> list[ProductRead]:
    prices = queries.prices_on(session, [p.id for p in products], clock.today(settings.zone))
    return [
        ProductRead(
            id=p.id,
            sku=p.sku,
            name=p.name,
            unit=p.unit,
            tax_rate=to_rupees(p.tax_rate_bps),
            hsn_code=p.hsn_code,
            is_active=p.is_active,
            price=to_rupees(prices[p.id]) if p.id in prices else None,
        )
        for p in products
    ]


def _price_read(price: ProductPrice) -> PriceRead:
    return PriceRead(
        id=price.id,
        product_id=price.product_id,
        price=to_rupees(price.price_paise),
        effective_from=price.effective_from,
        created_at=price.created_at,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProductRead)
def create_product(
    body: ProductCreate, _: AdminUser, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> ProductRead:
    """A product with its first price (effective today unless ``effective_from`` says)."""
    product = service.create_product(session, body, actor, today=clock.today(settings.zone))
    return _reads(session, [product], settings)[0]


@router.post("/prices/bulk", response_model=BulkPriceRead)
def change_prices(
    body: BulkPriceChange,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> BulkPriceRead:
    """New prices for many products from one date: each one's price on that date plus ``rupees``
    or plus ``percent``; all or none, audited. With ``dry_run`` true, the same answer (who is
    reached, the monthly change at current schedules) and nothing changed."""
    changes = service.change_prices(session, body, actor, today=clock.today(settings.zone))
    deltas = {c.product.id: c.after_paise - c.before_paise for c in changes}
    reached = reach.price_change_reach(session, deltas, body.effective_from)
    return BulkPriceRead(
        effective_from=body.effective_from,
        dry_run=body.dry_run,
        changes=[
            BulkPriceLine(
                product_id=c.product.id,
                sku=c.product.sku,
                name=c.product.name,
                price_before=to_rupees(c.before_paise),
                price_after=to_rupees(c.after_paise),
            )
            for c in changes
        ],
        reach=PriceReach(
            subscriptions=reached.subscriptions,
            customers=reached.customers,
            monthly_change=to_rupees(reached.monthly_change_paise),
        ),
    )


@router.get("", response_model=Page[ProductRead])
def list_products(
    _: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    is_active: bool | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ProductRead]:
    products, next_cursor = queries.list_products(
        session, limit=limit, cursor=cursor, is_active=is_active
    )
    return Page[ProductRead](
        items=_reads(session, list(products), settings), next_cursor=next_cursor
    )


@router.get("/{product_id}", response_model=ProductRead)
def get_product(
    product_id: PathId, _: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ProductRead:
    return _reads(session, [queries.get_product(session, product_id)], settings)[0]


@router.patch("/{product_id}", response_model=ProductRead)
def update_product(
    product_id: PathId,
    body: ProductUpdate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ProductRead:
    product = service.update_product(session, product_id, body, actor)
    return _reads(session, [product], settings)[0]


@router.get("/{product_id}/prices", response_model=list[PriceRead])
def price_history(product_id: PathId, _: CurrentUser, session: SessionDep) -> list[PriceRead]:
    """Every price of the product, oldest first; the price on a date is the latest before it."""
    return [_price_read(p) for p in queries.price_history(session, product_id)]


@router.post("/{product_id}/prices", status_code=status.HTTP_201_CREATED, response_model=PriceRead)
def add_price(
    product_id: PathId, body: PriceCreate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> PriceRead:
    return _price_read(service.add_price(session, product_id, body, actor))


@router.post(
    "/{product_id}/tax-rates", status_code=status.HTTP_201_CREATED, response_model=TaxRateRead
)
def add_tax_rate(
    product_id: PathId, body: TaxRateCreate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> TaxRateRead:
    """A GST rate from a date on: deliveries from that date are billed at it (prices stay
    tax-inclusive); bills already issued do not change."""
    rate = service.add_tax_rate(session, product_id, body, actor)
    return TaxRateRead(
        id=rate.id,
        product_id=rate.product_id,
        tax_rate=f"{rate.rate_bps / 100:.2f}",
        effective_from=rate.effective_from,
        created_at=rate.created_at,
    )
