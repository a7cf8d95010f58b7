"""Recording containers: given and taken back at a stop, or written off as lost.

The deposit rule (see the package docstring): at a stop, the net of what was given less what was
taken back is charged at the type's deposit when positive, refunded when negative (never more
than the deposit the customer has paid on that type); a write-off keeps the deposit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.catalog.errors import UnknownProduct
from milkrun.catalog.models import Product
from milkrun.containers import queries
from milkrun.containers.errors import (
    ContainerTypeInactive,
    ContainerTypeInUse,
    ContainerTypeNameTaken,
    MoreReturnedThanHeld,
    UnknownContainerType,
)
from milkrun.containers.models import ContainerMovement, ContainerType, MovementKind
from milkrun.containers.schemas import (
    ContainerTypeUpdate,
    LostContainersRequest,
    MovementRead,
    StopContainersRequest,
    StopContainersResult,
)
from milkrun.customers.errors import UnknownCustomer
from milkrun.customers.models import Customer
from milkrun.deliveries import idempotency
from milkrun.deliveries.markers import Marker
from milkrun.deliveries.stops import route_of_stop
from milkrun.money import to_paise


def record_once(
    session: Session,
    marker: Marker,
    request: StopContainersRequest,
    *,
    key: str | None,
    today: dt.date,
) -> idempotency.Answer:
    """Record a stop's containers at most once per ``Idempotency-Key`` (the delivery page's
    offline queue retries until it hears back): a retry replays the first answer."""
    return idempotency.once(
        session,
        marker.caller,
        key,
        "stop-containers",
        request,
        lambda: record_at_stop(session, marker, request, today=today),
        status=201,
    )


def _types(session: Session, ids: set[int]) -> dict[int, ContainerType]:
    found = {
        t.id: t for t in session.scalars(select(ContainerType).where(ContainerType.id.in_(ids)))
    }
    missing = sorted(ids - found.keys())
    if missing:
        raise UnknownContainerType(f"Container type {missing[0]} does not exist")
    return found


def _held(session: Session, customer_id: int, type_id: int) -> tuple[int, int]:
    """(containers held, deposit paid on them) of one customer and type."""
    row = session.execute(
        select(
            func.coalesce(
                func.sum(
                    ContainerMovement.given - ContainerMovement.returned - ContainerMovement.lost
                ),
                0,
            ),
            func.coalesce(func.sum(ContainerMovement.deposit_paise), 0),
        ).where(
            ContainerMovement.customer_id == customer_id,
            ContainerMovement.container_type_id == type_id,
        )
    ).one()
    return int(row[0]), int(row[1])


def deposit_for(net: int, each_paise: int, deposit_held: int) -> int:
    """The deposit of a stop whose given less taken back is ``net``: charged when positive,
    refunded when negative, a refund never above the deposit the customer has paid."""
    if net >= 0:
        return net * each_paise
    return -min(-net * each_paise, max(deposit_held, 0))


def record_at_stop(
    session: Session, marker: Marker, request: StopContainersRequest, *, today: dt.date
) -> StopContainersResult:
    """Record the containers given and taken back at a stop, one ledger movement per type.

    Rules: the caller may record at this stop (``deliveries.stops``); a customer cannot give
    back more than he holds after what he was given at the same stop (409); the deposit follows
    ``deposit_for``. One audit event for the stop."""
    customer_id, day = request.customer_id, request.delivery_date
    route_id = route_of_stop(session, marker, customer_id, day, today=today)
    types = _types(session, {c.container_type_id for c in request.containers})
    now = clock.now()
    movements: list[ContainerMovement] = []
    for count in request.containers:
        if count.given == 0 and count.returned == 0:
            continue
        kind = types[count.container_type_id]
        held, deposit_held = _held(session, customer_id, kind.id)
        if held + count.given - count.returned < 0:
            raise MoreReturnedThanHeld(
                f"The customer holds {held + count.given} {kind.name} with today's, "
                f"not {count.returned} to take back",
            )
        movement = ContainerMovement(
            customer_id=customer_id,
            route_id=route_id,
            container_type_id=kind.id,
            movement_date=day,
            kind=MovementKind.stop.value,
            given=count.given,
            returned=count.returned,
            lost=0,
            deposit_paise=deposit_for(
                count.given - count.returned, kind.deposit_paise, deposit_held
            ),
            recorded_by_user_id=marker.user_id,
            recorded_at=now,
        )
        session.add(movement)
        movements.append(movement)
    session.flush()
    if movements:
        audit.record(
            session,
            marker.actor,
            "containers.stop",
            "customer",
            customer_id,
            after={
                "date": day.isoformat(),
                "movements": [audit.snapshot(m) for m in movements],
            },
            customer_id=customer_id,
        )
    return StopContainersResult(
        customer_id=customer_id,
        delivery_date=day,
        movements=[MovementRead.model_validate(m) for m in movements],
        holdings=queries.holdings(session, customer_id),
    )


def write_off(
    session: Session, actor: audit.Actor, request: LostContainersRequest, *, today: dt.date
) -> MovementRead:
    """Write off containers a customer will not give back: they leave what he holds and the
    deposit paid on them is kept (nothing is refunded, nothing more charged)."""
    kind = _types(session, {request.container_type_id})[request.container_type_id]
    customer = session.get(Customer, request.customer_id, with_for_update=True)
    if customer is None:
        raise UnknownCustomer(f"Customer {request.customer_id} does not exist")
    route_id = customer.route_id
    held, _ = _held(session, request.customer_id, kind.id)
    if request.lost > held:
        raise MoreReturnedThanHeld(
            f"The customer holds {held} {kind.name}, not {request.lost} to write off"
        )
    movement = ContainerMovement(
        customer_id=request.customer_id,
        route_id=route_id,
        container_type_id=kind.id,
        movement_date=request.date or today,
        kind=MovementKind.lost.value,
        lost=request.lost,
        deposit_paise=0,
        recorded_by_user_id=actor.user_id,
        recorded_at=clock.now(),
    )
    session.add(movement)
    session.flush()
    audit.record(
        session,
        actor,
        "containers.lost",
        "customer",
        request.customer_id,
        after=audit.snapshot(movement),
        customer_id=request.customer_id,
    )
    return MovementRead.model_validate(movement)


def _name_free(session: Session, name: str, *, but: int | None = None) -> None:
    taken = session.scalar(
        select(ContainerType.id).where(
            # lower() on both sides, as the unique index does (SQLite's lowers ASCII only)
            func.lower(ContainerType.name) == func.lower(name),
            ContainerType.id != (but or 0),
        )
    )
    if taken is not None:
        raise ContainerTypeNameTaken(f"There is already a container type named {name}")


@contextmanager
def _name_guard(session: Session, name: str, *, but: int | None = None) -> Iterator[None]:
    """The database's word on a name (its unique index on ``lower(name)``): another request
    that took the name (or the deposit SKU made from it) since ``_name_free`` looked is a 409,
    not a 500; nothing of this write is kept."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        _name_free(session, name, but=but)
        raise ContainerTypeNameTaken(
            f"Another container type was just saved with a name like {name}: try again"
        ) from None


def _deposit_sku(session: Session, name: str) -> str:
    """A free SKU for a type's deposit product, made from its name (DEP-1-L-GLASS-BOTTLE)."""
    base = "DEP-" + (re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:30] or "CONTAINER")
    taken = set(session.scalars(select(Product.sku).where(Product.sku.like(f"{base}%"))))
    sku, n = base, 1
    while sku in taken:
        n += 1
        sku = f"{base}-{n}"
    return sku


def create_type(
    session: Session,
    actor: audit.Actor,
    *,
    name: str,
    deposit_paise: int,
    sku: str | None = None,
) -> ContainerType:
    """A container type, with the (inactive, never ordered) product its deposits are billed
    under; ``sku`` is that product's (made from the name when not given). Names are unique,
    whatever their case (409)."""
    _name_free(session, name)
    with _name_guard(session, name):
        product = Product(
            sku=sku or _deposit_sku(session, name),
            name=f"Deposit · {name}",
            unit="deposit",
            is_active=False,
        )
        session.add(product)
        session.flush()
        kind = ContainerType(name=name, deposit_paise=deposit_paise, deposit_product_id=product.id)
        session.add(kind)
        session.flush()
    audit.record(
        session,
        actor,
        "container_type.create",
        "container_type",
        kind.id,
        after=audit.snapshot(kind),
    )
    return kind


def update_type(
    session: Session, actor: audit.Actor, type_id: int, changes: ContainerTypeUpdate
) -> ContainerType:
    """Rename a type, change its deposit (for containers given from now on: deposits already
    charged keep their amount) or retire it (``is_active``: false): a retired type is no longer
    chosen for a product, and what customers hold of it still comes back and is refunded."""
    kind = queries.get_type(session, type_id)
    before = audit.snapshot(kind)
    fields = changes.changes()
    if "name" in fields and fields["name"] != kind.name:
        _name_free(session, fields["name"], but=kind.id)
    with _name_guard(session, fields.get("name") or kind.name, but=kind.id):
        if "name" in fields and fields["name"] != kind.name:
            kind.name = fields["name"]
            deposit_product = session.get(Product, kind.deposit_product_id)
            if deposit_product is not None:
                deposit_product.name = f"Deposit · {kind.name}"
        if "deposit" in fields:
            kind.deposit_paise = to_paise(fields["deposit"])
        if "is_active" in fields:
            kind.is_active = bool(fields["is_active"])
        session.flush()
    audit.record(
        session,
        actor,
        "container_type.update",
        "container_type",
        kind.id,
        before=before,
        after=audit.snapshot(kind),
    )
    return kind


def delete_type(session: Session, actor: audit.Actor, type_id: int) -> None:
    """Delete a type made by mistake, with its deposit product. A type that a product comes in,
    or that any customer has been given (its ledger has a movement), is refused (409): retire it
    instead."""
    kind = queries.get_type(session, type_id)
    products = session.scalar(
        select(func.count()).select_from(Product).where(Product.container_type_id == type_id)
    )
    if products:
        raise ContainerTypeInUse(
            f"{products} product{'s' if products != 1 else ''} come in {kind.name}: "
            "it cannot be deleted, only made inactive"
        )
    used = session.scalar(
        select(ContainerMovement.id).where(ContainerMovement.container_type_id == type_id).limit(1)
    )
    if used is not None:
        raise ContainerTypeInUse(
            f"Customers have been given {kind.name}: it cannot be deleted, only made inactive"
        )
    before = audit.snapshot(kind)
    deposit_product = session.get(Product, kind.deposit_product_id)
    session.delete(kind)
    session.flush()
    if deposit_product is not None:
        try:
            with session.begin_nested():  # kept if anything else names it
                session.delete(deposit_product)
        except IntegrityError:
            pass
    audit.record(session, actor, "container_type.delete", "container_type", type_id, before=before)


def comes_in(session: Session, actor: audit.Actor, product_id: int, type_id: int | None) -> None:
    """Say that a product comes in a returnable container of a type (or in none). A retired
    type cannot be chosen (409), unless the product already comes in it."""
    product = session.get(Product, product_id)
    if product is None:
        raise UnknownProduct(f"Product {product_id} does not exist")
    if type_id is not None:
        kind = _types(session, {type_id})[type_id]
        if not kind.is_active and product.container_type_id != type_id:
            raise ContainerTypeInactive(
                f"{kind.name} is no longer in use: make it active again to choose it"
            )
    before = {"container_type_id": product.container_type_id}
    product.container_type_id = type_id
    session.flush()
    audit.record(
        session,
        actor,
        "product.container",
        "product",
        product_id,
        before=before,
        after={"container_type_id": type_id},
    )
