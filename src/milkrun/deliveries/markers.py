"""Who is marking deliveries, and which orders they may mark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milkrun.audit import service as audit
from milkrun.auth.models import Role, User
from milkrun.errors import Forbidden
from milkrun.links import service as link_service
from milkrun.links.models import SharedDeliveryLink
from milkrun.orders.models import Order


@dataclass(frozen=True)
class Marker:
    """Who is marking and what they may mark: an admin any order; a delivery boy the orders of
    the routes he walks on their date; a shared link the orders of its route and date."""

    actor: audit.Actor
    name: str
    user_id: int | None = None
    link_id: int | None = None
    walks_routes: bool = False
    route_id: int | None = None
    delivery_date: dt.date | None = None

    @property
    def caller(self) -> str:
        """Whose idempotency keys these are: ``user:7`` or ``link:3``."""
        return f"user:{self.user_id}" if self.user_id is not None else f"link:{self.link_id}"

    @classmethod
    def for_user(cls, user: User, actor: audit.Actor) -> Marker:
        if user.role == Role.admin:
            return cls(actor=actor, name=user.name, user_id=user.id)
        if user.role == Role.delivery_boy:
            return cls(actor=actor, name=user.name, user_id=user.id, walks_routes=True)
        raise Forbidden("Only delivery boys and admins mark deliveries")

    @classmethod
    def for_link(cls, link: SharedDeliveryLink, actor: audit.Actor) -> Marker:
        return cls(
            actor=actor,
            name=f"link: {link.label}",
            link_id=link.id,
            route_id=link.route_id,
            delivery_date=link.delivery_date,
        )

    def may_mark(self, order: Order, walker: int | None) -> bool:
        """A link: its route and date. A delivery boy: the orders of a route he walks on their
        date (``walker``, the substitute of the day or the route's own). An admin: any order."""
        if self.link_id is not None:
            return order.route_id == self.route_id and order.delivery_date == self.delivery_date
        if not self.walks_routes:
            return True
        return order.route_id is not None and walker == self.user_id


def link_marker(link: SharedDeliveryLink, *, request_id: str | None) -> Marker:
    """A shared link's holder marks as the link itself (its id and label on the trail)."""
    return Marker.for_link(link, link_service.actor_of(link, request_id=request_id, channel="link"))
