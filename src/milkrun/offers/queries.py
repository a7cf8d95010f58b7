from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from milkrun.catalog import prices
from milkrun.catalog.models import Product, ProductPrice
from milkrun.customers.models import Customer
from milkrun.hubs.scope import HubScope
from milkrun.offers.errors import OfferNotFound
from milkrun.offers.models import Offer, OfferAcceptance
from milkrun.orders.models import Order


@dataclass(frozen=True)
class OfferRow:
    id: int
    offer_date: dt.date
    title: str
    description: str
    product_name: str
    unit: str
    price_paise: int | None
    accepted: int  # customers (in the admin's view) who said yes, or the customer's quantity


def offers_from(session: Session, since: dt.date, scope: HubScope) -> list[OfferRow]:
    """The offers on or after ``since``, soonest first, with how many customers in view
    accepted each."""
    accepted = (
        select(OfferAcceptance.offer_id, func.count().label("n"))
        .where(scope.has_customer(OfferAcceptance.customer_id))
        .group_by(OfferAcceptance.offer_id)
        .subquery()
    )
    return _offer_rows(session, since, accepted)


def open_offers_for(session: Session, customer_id: int, since: dt.date) -> list[OfferRow]:
    """The offers a customer sees on its page, on or after ``since``: ``accepted`` is the
    quantity it ordered (0: not accepted yet)."""
    mine = (
        select(OfferAcceptance.offer_id, OfferAcceptance.quantity.label("n"))
        .where(OfferAcceptance.customer_id == customer_id)
        .subquery()
    )
    return _offer_rows(session, since, mine)


def _offer_rows(session: Session, since: dt.date, counted: Subquery) -> list[OfferRow]:
    rows = session.execute(
        select(
            Offer.id,
            Offer.offer_date,
            Offer.product_id,
            Offer.title,
            Offer.description,
            Product.name,
            Product.unit,
            func.coalesce(counted.c.n, 0),
        )
        .join(Product, Product.id == Offer.product_id)
        .outerjoin(counted, counted.c.offer_id == Offer.id)
        .where(Offer.offer_date >= since, Offer.is_active)
        .order_by(Offer.offer_date, Offer.id)
    ).all()
    # The price in force on each offer's date: one read of the products' price histories.
    book = prices.PriceList(
        session.execute(
            select(
                ProductPrice.product_id, ProductPrice.effective_from, ProductPrice.price_paise
            ).where(ProductPrice.product_id.in_({row[2] for row in rows}))
        ).all()
    )
    return [
        OfferRow(
            id=row[0],
            offer_date=row[1],
            title=row[3],
            description=row[4],
            product_name=row[5],
            unit=row[6],
            price_paise=book.on(row[2], row[1]),
            accepted=int(row[7]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Acceptance:
    customer_id: int
    customer_name: str
    quantity: int
    order_status: str


def acceptances(session: Session, offer_id: int, scope: HubScope) -> Sequence[Acceptance]:
    """Who accepted an offer (customers in view), by name."""
    rows = session.execute(
        select(Customer.id, Customer.name, OfferAcceptance.quantity, Order.status)
        .select_from(OfferAcceptance)
        .join(Customer, Customer.id == OfferAcceptance.customer_id)
        .join(Order, Order.id == OfferAcceptance.order_id)
        .where(OfferAcceptance.offer_id == offer_id, scope.has_customer(Customer.id))
        .order_by(Customer.name)
    )
    return [Acceptance(*row) for row in rows]


def get_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise OfferNotFound(f"There is no offer {offer_id}")
    return offer
