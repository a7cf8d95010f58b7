"""Whom the caller acts for, and which delivery dates it may still change.

An admin acts for every customer; a customer only for itself (another customer's records are
404, as if they did not exist); delivery boys have no business here (403). Ownership is checked
in dependencies, before the request body is read, so a foreign record is 404 whatever the body.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from milkrun import cutoff
from milkrun.api.deps import CurrentUser, CustomerUser, PathId, SessionDep, SettingsDep
from milkrun.auth.models import Role, User
from milkrun.customers import ownership
from milkrun.cutoff import Window
from milkrun.errors import Forbidden
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions.models import Pause, Subscription


def _owner(user: CurrentUser) -> int | None:
    if user.role == Role.admin:
        return None
    if user.role == Role.customer and user.customer_id is not None:
        return user.customer_id
    raise Forbidden("This needs the admin or customer role")


# The customer the caller is limited to; None for an admin.
Owner = Annotated[int | None, Depends(_owner)]


def window_of(user: User, settings: SettingsDep) -> Window:
    if user.role == Role.customer:
        return cutoff.for_customer(settings)
    return cutoff.for_staff(settings)


def _window(user: CurrentUser, settings: SettingsDep) -> Window:
    return window_of(user, settings)


CallerWindow = Annotated[Window, Depends(_window)]


def _subscription(subscription_id: PathId, owner: Owner, session: SessionDep) -> Subscription:
    return subscription_queries.get_subscription(session, subscription_id, customer_id=owner)


def _pause(pause_id: PathId, owner: Owner, session: SessionDep) -> Pause:
    return subscription_queries.get_pause(session, pause_id, customer_id=owner)


def _customer_id(customer_id: PathId, owner: Owner) -> int:
    ownership.ensure_may_act_for(owner, customer_id)
    return customer_id


# Path records the caller may touch (else 404).
CallerSubscription = Annotated[Subscription, Depends(_subscription)]
CallerPause = Annotated[Pause, Depends(_pause)]
CallerCustomerId = Annotated[int, Depends(_customer_id)]


def _me(user: CustomerUser) -> int:
    if user.customer_id is None:
        raise Forbidden("This login is not linked to a customer")
    return user.customer_id


# Under /me: customers only (a router's dependency), and the customer's own id. Path records
# there resolve as for any caller (``CallerSubscription``...): a customer's own, another's is 404.
MY_CUSTOMER = Depends(_me)
MyCustomerId = Annotated[int, MY_CUSTOMER]
