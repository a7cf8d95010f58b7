"""Container types: made, renamed, their deposit changed, retired and (only when unused)
deleted; a product's container chosen and cleared; all audited, over the service and the API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.catalog.models import Product
from milkrun.containers import queries, service
from milkrun.containers.errors import (
    ContainerTypeInactive,
    ContainerTypeInUse,
    ContainerTypeNameTaken,
)
from milkrun.containers.models import ContainerType
from milkrun.containers.schemas import ContainerTypeUpdate, StopContainersRequest
from milkrun.deliveries.markers import Marker
from tests import factories
from tests.containers.conftest import Round
from tests.factories import Login

TYPES = "/api/v1/container-types"
STOP = "/api/v1/delivery-boy/containers"


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_type_gets_a_deposit_product_with_a_sku_of_its_own(session: Session) -> None:
    first = service.create_type(session, factories.ACTOR, name="1 L bottle", deposit_paise=5000)
    second = service.create_type(session, factories.ACTOR, name="1-L bottle", deposit_paise=0)
    skus = [session.get(Product, k.deposit_product_id).sku for k in (first, second)]  # type: ignore[union-attr]
    assert skus == ["DEP-1-L-BOTTLE", "DEP-1-L-BOTTLE-2"]
    deposit = session.get(Product, first.deposit_product_id)
    assert deposit is not None
    assert not deposit.is_active
    with pytest.raises(ContainerTypeNameTaken):
        service.create_type(session, factories.ACTOR, name="1 l BOTTLE", deposit_paise=1)


def test_renaming_changing_the_deposit_and_retiring_are_audited(session: Session) -> None:
    crate = service.create_type(session, factories.ACTOR, name="Crate", deposit_paise=20000)
    events = _count(session, AuditEvent)
    service.update_type(
        session,
        factories.ACTOR,
        crate.id,
        ContainerTypeUpdate.model_validate({"name": "Curd crate", "deposit": "250.50"}),
    )
    assert (crate.name, crate.deposit_paise, crate.is_active) == ("Curd crate", 25050, True)
    assert session.get(Product, crate.deposit_product_id).name == "Deposit · Curd crate"  # type: ignore[union-attr]
    service.update_type(session, factories.ACTOR, crate.id, ContainerTypeUpdate(is_active=False))
    assert crate.is_active is False
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.action == "container_type.update"
    assert _count(session, AuditEvent) == events + 2


def test_a_type_in_use_cannot_be_deleted_only_retired(session: Session, walk: Round) -> None:
    # The bottle: a product comes in it.
    with pytest.raises(ContainerTypeInUse):
        service.delete_type(session, factories.ACTOR, walk.bottle.id)
    # A crate given to a customer, then its product no longer comes in it: still refused.
    crate = service.create_type(session, factories.ACTOR, name="Crate", deposit_paise=100)
    curd = factories.product(session, sku="CURDCRATE")
    service.comes_in(session, factories.ACTOR, curd.id, crate.id)
    marker = Marker.for_user(walk.admin.user, factories.ACTOR)
    service.record_at_stop(
        session,
        marker,
        _stop(walk, crate.id, given=1),
        today=walk.date,
    )
    service.comes_in(session, factories.ACTOR, curd.id, None)
    with pytest.raises(ContainerTypeInUse, match="given"):
        service.delete_type(session, factories.ACTOR, crate.id)
    assert _count(session, ContainerType) == 2

    unused = service.create_type(session, factories.ACTOR, name="Jar", deposit_paise=100)
    deposit_product_id = unused.deposit_product_id
    service.delete_type(session, factories.ACTOR, unused.id)
    assert session.get(ContainerType, unused.id) is None
    assert session.get(Product, deposit_product_id) is None


def _stop(walk: Round, type_id: int, *, given: int) -> Any:
    return StopContainersRequest.model_validate(
        {
            "customer_id": walk.asha.id,
            "delivery_date": walk.date.isoformat(),
            "containers": [{"container_type_id": type_id, "given": given, "returned": 0}],
        }
    )


def test_a_retired_type_cannot_be_chosen_for_a_product(session: Session, walk: Round) -> None:
    jar = service.create_type(session, factories.ACTOR, name="Jar", deposit_paise=100)
    ghee = factories.product(session, sku="GHEEJAR")
    service.comes_in(session, factories.ACTOR, ghee.id, jar.id)
    service.update_type(session, factories.ACTOR, jar.id, ContainerTypeUpdate(is_active=False))
    service.comes_in(session, factories.ACTOR, ghee.id, jar.id)  # already in it: fine
    paneer = factories.product(session, sku="PANEER")
    with pytest.raises(ContainerTypeInactive):
        service.comes_in(session, factories.ACTOR, paneer.id, jar.id)
    assert paneer.container_type_id is None


def test_the_summary_counts_products_held_and_deposit(
    client: TestClient, session: Session, walk: Round
) -> None:
    client.post(STOP, json=walk.stop(walk.asha, 3, 1), headers=walk.boy.headers)
    service.create_type(session, factories.ACTOR, name="Zz crate", deposit_paise=0)
    rows, count = queries.type_summaries(session)
    assert count == 2
    assert [(r.kind.name, r.products, r.held, r.deposit_paise) for r in rows] == [
        ("1 L glass bottle", 1, 2, 10000),
        ("Zz crate", 0, 0, 0),
    ]


def test_the_api_makes_edits_deletes_and_assigns(
    client: TestClient, session: Session, admin: Login, walk: Round
) -> None:
    made = client.post(TYPES, json={"name": "Crate", "deposit": "200"}, headers=admin.headers)
    assert made.status_code == 201, made.text
    crate = made.json()
    assert crate["deposit_paise"] == 20000
    assert crate["is_active"] is True
    again = client.post(TYPES, json={"name": "crate", "deposit": 1}, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "container_type_name_taken"
    bad = client.post(TYPES, json={"name": "Jar", "deposit": "-1"}, headers=admin.headers)
    assert bad.status_code == 422
    extra = client.post(
        TYPES, json={"name": "Jar", "deposit": 1, "colour": "blue"}, headers=admin.headers
    )
    assert extra.status_code == 422

    edited = client.patch(
        f"{TYPES}/{crate['id']}", json={"deposit": "150.00"}, headers=admin.headers
    )
    assert edited.status_code == 200
    assert edited.json()["deposit_paise"] == 15000
    assert client.patch(f"{TYPES}/999999", json={}, headers=admin.headers).status_code == 404

    product = factories.product(session, sku="CURD5")
    put = f"/api/v1/products/{product.id}/container"
    assigned = client.put(put, json={"container_type_id": crate["id"]}, headers=admin.headers)
    assert assigned.json() == {"product_id": product.id, "container_type_id": crate["id"]}
    in_use = client.delete(f"{TYPES}/{crate['id']}", headers=admin.headers)
    assert in_use.status_code == 409
    assert in_use.json()["code"] == "container_type_in_use"
    unknown = client.put(put, json={"container_type_id": 999999}, headers=admin.headers)
    assert unknown.status_code == 400
    assert (
        client.put(
            "/api/v1/products/999999/container",
            json={"container_type_id": None},
            headers=admin.headers,
        ).status_code
        == 404
    )
    cleared = client.put(put, json={"container_type_id": None}, headers=admin.headers)
    assert cleared.json()["container_type_id"] is None
    gone = client.delete(f"{TYPES}/{crate['id']}", headers=admin.headers)
    assert gone.status_code == 204
    names = [t["name"] for t in client.get(TYPES, headers=walk.boy.headers).json()]
    assert names == ["1 L glass bottle"]
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"container_type.create", "container_type.update", "container_type.delete"} <= actions
    assert "product.container" in actions
