"""Festival offers: the owner makes one; a customer accepts it, which orders it once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.cutoff import DateInPast, Window
from milkrun.hubs.scope import HubScope
from milkrun.offers.errors import OfferAlreadyAccepted, OfferNotFound, OfferTitleRequired
from milkrun.offers.models import Offer, OfferAcceptance
from milkrun.orders import service as order_service
from milkrun.orders.schemas import OrderCreate
from milkrun.subscriptions import service as subscription_service


@dataclass(frozen=True)
class Accepted:
    acceptance_id: int
    order_id: int
    delivery_date: dt.date
    quantity: int


def create_offer(
    session: Session,
    day: dt.date,
    product_id: int,
    title: str,
    description: str,
    actor: audit.Actor,
    scope: HubScope,
    *,
    today: dt.date,
) -> Offer:
    """An offer to every customer of the dairy (so not by an admin limited to one hub) of a
    product on sale on ``day``, today or later."""
    scope.ensure_unlimited("make an offer to the whole dairy")
    title = " ".join(title.split())
    if not title:
        raise OfferTitleRequired("Give the offer a title (customers read it)")
    if day < today:
        raise DateInPast(f"{day.isoformat()} is over: an offer is for today or later")
    subscription_service.ensure_product_sold(session, product_id, day)
    offer = Offer(
        offer_date=day,
        product_id=product_id,
        title=title,
        description=description.strip(),
        created_by_user_id=actor.user_id,
    )
    session.add(offer)
    session.flush()
    audit.record(session, actor, "offer.create", "offer", offer.id, after=audit.snapshot(offer))
    return offer


def accept_offer(
    session: Session,
    offer_id: int,
    customer_id: int,
    quantity: int,
    actor: audit.Actor,
    window: Window,
) -> Accepted:
    """A customer's yes: a one-time order of the offer's product on its date (the orders
    service: the cut-off, a holiday, the product on sale, its price that day), once per
    customer."""
    offer = session.get(Offer, offer_id)
    if offer is None or not offer.is_active:
        raise OfferNotFound(f"There is no offer {offer_id}")
    taken = select(OfferAcceptance.id).where(
        OfferAcceptance.offer_id == offer.id, OfferAcceptance.customer_id == customer_id
    )
    if session.scalar(taken) is not None:
        raise OfferAlreadyAccepted(f"You have already accepted {offer.title!r}")
    order = order_service.create_one_time_order(
        session,
        OrderCreate(
            customer_id=customer_id,
            product_id=offer.product_id,
            delivery_date=offer.offer_date,
            quantity=quantity,
        ),
        actor,
        window,
    )
    acceptance = OfferAcceptance(
        offer_id=offer.id, customer_id=customer_id, order_id=order.id, quantity=quantity
    )
    session.add(acceptance)
    session.flush()
    audit.record(
        session,
        actor,
        "offer.accept",
        "offer",
        offer.id,
        after=audit.snapshot(acceptance),
        customer_id=customer_id,
        order_id=order.id,
    )
    return Accepted(acceptance.id, order.id, offer.offer_date, quantity)
