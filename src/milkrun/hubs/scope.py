"""The hub an admin sees: the one place every admin read narrows by the admin's hub.

An admin with no hub (``users.hub_id`` NULL) sees every hub; an admin limited to one hub sees
its routes, the customers on those routes, and what belongs to them (orders, bills, reports).
A record outside the hub is answered as if it did not exist (404), as another customer's data
is for a customer. An unlimited admin may narrow a list to one hub (``HubScope.narrowed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, exists, literal, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from milkrun.audit.models import AuditEvent
from milkrun.auth.errors import UserNotFound
from milkrun.auth.models import Role, User
from milkrun.customers import ownership
from milkrun.customers.models import Customer
from milkrun.hubs.errors import HubLimitedAdmin, HubNotFound
from milkrun.routing.errors import RouteNotFound
from milkrun.routing.models import Route

Column = ColumnElement[Any] | InstrumentedAttribute[Any]


class Limited(Protocol):
    @property
    def hub_id(self) -> int | None: ...


@dataclass(frozen=True)
class HubScope:
    """``hub_id``: the one hub in view; None: all of them."""

    hub_id: int | None = None

    @classmethod
    def of(cls, user: Limited) -> HubScope:
        """What an admin sees: its own hub when it is limited to one."""
        return cls(user.hub_id)

    @property
    def is_limited(self) -> bool:
        return self.hub_id is not None

    def narrowed(self, hub_id: int | None) -> HubScope:
        """A list narrowed to ``hub_id`` by an unlimited admin; a limited admin stays in its
        own hub (asking for another shows nothing of it)."""
        if hub_id is None:
            return self
        if self.hub_id is not None and hub_id != self.hub_id:
            raise HubNotFound(f"There is no hub {hub_id}")
        return HubScope(hub_id)

    def routes(self) -> Select[Any]:
        """The ids of the routes in view."""
        statement = select(Route.id)
        return statement if self.hub_id is None else statement.where(Route.hub_id == self.hub_id)

    @property
    def route_filter(self) -> Select[Any] | None:
        """The ids of the routes in view for a list to keep; None when every route (and no
        route) is in view."""
        return None if self.hub_id is None else self.routes()

    @property
    def customer_filter(self) -> Select[Any] | None:
        """The ids of the customers in view (those on the hub's routes) for a list to keep;
        None when every customer is in view."""
        if self.hub_id is None:
            return None
        return select(Customer.id).where(Customer.route_id.in_(self.routes()))

    def has_route(self, route_id: Column) -> ColumnElement[bool]:
        """A condition on a route id column: the route is in view (any, even none, when
        unlimited)."""
        if self.hub_id is None:
            return true()
        return route_id.in_(self.routes())

    def has_customer(self, customer_id: Column) -> ColumnElement[bool]:
        """A condition on a customer id column: the customer is on a route in view."""
        if self.hub_id is None:
            return true()
        return customer_id.in_(select(Customer.id).where(Customer.route_id.in_(self.routes())))

    def has_event(self) -> ColumnElement[bool]:
        """A condition on the audit trail: the event concerns a customer in view (an event of
        one of its orders names the customer too), or a route in view, or that customer or
        route itself. A limited admin sees nothing of the dairy-wide events (products, prices,
        billing runs, hubs, staff): they concern every hub, and the owner answers for them."""
        if self.hub_id is None:
            return true()
        customers = select(Customer.id).where(Customer.route_id.in_(self.routes()))
        return or_(
            AuditEvent.customer_id.in_(customers),
            and_(AuditEvent.entity_type == "customer", AuditEvent.entity_id.in_(customers)),
            and_(AuditEvent.entity_type == "route", AuditEvent.entity_id.in_(self.routes())),
        )

    def ensure_customer(self, session: Session, customer: Customer) -> Customer:
        """The customer, if in view; else 404 as for an unknown one."""
        if self.hub_id is not None:
            route = session.get(Route, customer.route_id) if customer.route_id else None
            ownership.ensure_in_view(customer.id, route is not None and route.hub_id == self.hub_id)
        return customer

    def ensure_route(self, route: Route) -> Route:
        """The route, if in view; else 404 as for an unknown one."""
        if self.hub_id is not None and route.hub_id != self.hub_id:
            raise RouteNotFound(f"There is no route {route.id}")
        return route

    def has_staff(self, user_id: Column, role: Column) -> ColumnElement[bool]:
        """A condition on a login: one this admin may see and manage. An admin of one hub
        manages delivery boys who walk no route outside its hub (a new one, on no route yet,
        included); never an admin (a login it could give itself every hub with) nor a
        customer's login (the customer's page manages those)."""
        if self.hub_id is None:
            return true()
        elsewhere = exists().where(
            Route.delivery_boy_id == user_id,
            or_(Route.hub_id.is_(None), Route.hub_id != self.hub_id),
        )
        return and_(role == Role.delivery_boy.value, ~elsewhere)

    @property
    def staff_filter(self) -> ColumnElement[bool] | None:
        """The condition on ``users`` of the logins in view, for a list to keep; None when
        every login is."""
        return None if self.hub_id is None else self.has_staff(User.id, User.role)

    def ensure_staff(self, session: Session, user: User) -> User:
        """The login, if this admin may manage it; else 404 as for an unknown one."""
        if self.hub_id is not None:
            condition = self.has_staff(literal(user.id), literal(user.role))
            if not session.scalar(select(condition)):
                raise UserNotFound(f"There is no user {user.id}")
        return user

    def ensure_creates(self, role: str) -> None:
        """An admin of one hub creates delivery boys' logins only: an admin's login is the
        owner's to give (else a hub's admin could make itself an admin of every hub)."""
        if self.hub_id is not None and role != Role.delivery_boy.value:
            raise HubLimitedAdmin("An admin of one hub may create delivery boys' logins only")

    def ensure_unlimited(self, what: str) -> None:
        """Refuse an admin limited to one hub what spans the hubs."""
        if self.hub_id is not None:
            raise HubLimitedAdmin(f"An admin of one hub may not {what}")

    def ensure_hub(self, hub_id: int | None) -> None:
        """A hub named by a limited admin must be its own (None stays None: refused by the
        caller where a hub is needed)."""
        if self.hub_id is not None and hub_id != self.hub_id:
            raise HubNotFound(f"There is no hub {hub_id}")


EVERY_HUB = HubScope()
