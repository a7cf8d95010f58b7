from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.db.pagination import paginate
from milkrun.links import tokens
from milkrun.links.errors import LinkNotFound
from milkrun.links.models import SharedDeliveryLink


def get_link(session: Session, link_id: int) -> SharedDeliveryLink:
    link = session.get(SharedDeliveryLink, link_id)
    if link is None:
        raise LinkNotFound(f"There is no shared delivery link {link_id}")
    return link


def link_by_token(session: Session, token: str) -> SharedDeliveryLink | None:
    if not tokens.looks_like_token(token):
        return None
    return session.scalar(
        select(SharedDeliveryLink).where(SharedDeliveryLink.token_hash == tokens.token_hash(token))
    )


def list_links(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    route_id: int | None = None,
    delivery_date: dt.date | None = None,
) -> tuple[Sequence[SharedDeliveryLink], str | None]:
    statement = select(SharedDeliveryLink)
    if route_id is not None:
        statement = statement.where(SharedDeliveryLink.route_id == route_id)
    if delivery_date is not None:
        statement = statement.where(SharedDeliveryLink.delivery_date == delivery_date)
    return paginate(
        session, statement, SharedDeliveryLink.id, limit=limit, cursor=cursor, newest_first=True
    )


def links_of_day(
    session: Session, route_id: int, delivery_date: dt.date
) -> Sequence[SharedDeliveryLink]:
    """Every shared link made for one route's day, oldest first (a handful at most)."""
    return session.scalars(
        select(SharedDeliveryLink)
        .where(
            SharedDeliveryLink.route_id == route_id,
            SharedDeliveryLink.delivery_date == delivery_date,
        )
        .order_by(SharedDeliveryLink.id)
    ).all()
