"""The owner's container types (/admin/containers/types) and a product's "comes in" select: the
list with its totals, a new type, an edit, a delete; bad input re-renders the form with the
typed values and changes nothing; a type in use cannot be deleted; forms need the CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.catalog.models import Product
from milkrun.containers import service
from milkrun.containers.models import ContainerType
from milkrun.containers.schemas import ContainerTypeUpdate
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.containers.conftest import Round
from tests.containers.conftest import walk as walk  # the fixture

PAGE = "/admin/containers/types"
STOP = "/api/v1/delivery-boy/containers"


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def owner(client: TestClient, walk: Round) -> Round:
    """Asha holds 2 bottles (₹100 deposit); the owner is logged in."""
    client.post(STOP, json=walk.stop(walk.asha, 3, 1), headers=walk.boy.headers)
    client.cookies.set(TOKEN_COOKIE, walk.admin.token)
    return walk


def test_the_list_shows_each_type_with_what_customers_hold(
    client: TestClient, owner: Round
) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Showing 1 of 1 container type" in page.text
    assert "1 L glass bottle" in page.text
    assert "₹50.00" in page.text  # each
    assert "₹100.00" in page.text  # held
    assert "cannot be deleted, only made inactive" in page.text
    assert 'href="/admin/containers/types"' in client.get("/admin/containers").text


def test_a_new_type_and_bad_input_that_changes_nothing(
    client: TestClient, session: Session, owner: Round
) -> None:
    types, events = _count(session, ContainerType), _count(session, AuditEvent)
    bad = client.post(PAGE, data={"name": "Curd crate", "deposit": "2,00x"})
    assert bad.status_code == 400
    assert "The deposit is an amount in rupees" in bad.text
    assert 'value="Curd crate"' in bad.text
    assert 'value="2,00x"' in bad.text
    taken = client.post(PAGE, data={"name": "1 l GLASS bottle", "deposit": "20"})
    assert taken.status_code == 409
    assert "already a container type named" in taken.text
    assert 'value="1 l GLASS bottle"' in taken.text
    assert _count(session, ContainerType) == types
    assert _count(session, AuditEvent) == events

    done = client.post(PAGE, data={"name": "Curd crate", "deposit": "₹1,200.50"})
    assert done.status_code == 200
    assert "Container type added." in done.text
    crate = session.scalar(select(ContainerType).where(ContainerType.name == "Curd crate"))
    assert crate is not None
    assert crate.deposit_paise == 120050


def test_an_edit_with_bad_input_re_renders_that_form(
    client: TestClient, session: Session, owner: Round
) -> None:
    bottle = owner.bottle
    path = f"{PAGE}/{bottle.id}"
    bad = client.post(path, data={"name": "", "deposit": "60", "is_active": "yes"})
    assert bad.status_code == 400
    assert "Give the container a name" in bad.text
    assert f'id="type-{bottle.id}" open' in bad.text
    assert 'value="60"' in bad.text
    session.refresh(bottle)
    assert (bottle.name, bottle.deposit_paise) == ("1 L glass bottle", 5000)

    saved = client.post(path, data={"name": "1 L bottle", "deposit": "60"})  # not ticked
    assert saved.status_code == 200
    assert "Container type saved." in saved.text
    session.refresh(bottle)
    assert (bottle.name, bottle.deposit_paise, bottle.is_active) == ("1 L bottle", 6000, False)
    assert "inactive" in saved.text
    assert client.post(f"{PAGE}/999999", data={"name": "x", "deposit": "1"}).status_code == 404


def test_a_type_in_use_cannot_be_deleted_an_unused_one_can(
    client: TestClient, session: Session, owner: Round
) -> None:
    refused = client.post(f"{PAGE}/{owner.bottle.id}/delete")
    assert refused.status_code == 409
    assert "cannot be deleted, only made inactive" in refused.text
    assert session.get(ContainerType, owner.bottle.id) is not None

    jar = service.create_type(session, factories.ACTOR, name="Jar", deposit_paise=0)
    jar_id, deposit_product_id = jar.id, jar.deposit_product_id
    done = client.post(f"{PAGE}/{jar_id}/delete")
    assert done.status_code == 200
    assert "Container type deleted." in done.text
    session.expire_all()
    assert session.get(ContainerType, jar_id) is None
    assert session.get(Product, deposit_product_id) is None


def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, session: Session, owner: Round
) -> None:
    types = _count(session, ContainerType)
    for path, data in (
        (PAGE, {"name": "Crate", "deposit": "1"}),
        (f"{PAGE}/{owner.bottle.id}", {"name": "Renamed", "deposit": "1"}),
        (f"{PAGE}/{owner.bottle.id}/delete", {}),
        (f"/admin/products/{owner.asha.id}/container", {"container": ""}),
    ):
        answer = client.post(path, data=data, csrf=False)
        assert answer.status_code == 403, path
    assert _count(session, ContainerType) == types
    session.refresh(owner.bottle)
    assert owner.bottle.name == "1 L glass bottle"


def _comes_in(session: Session, product_id: int) -> int | None:
    return session.scalar(select(Product.container_type_id).where(Product.id == product_id))


def test_the_product_page_says_what_it_comes_in(
    client: TestClient, session: Session, owner: Round
) -> None:
    paneer = factories.product(session, sku="PANEER")
    path = f"/admin/products/{paneer.id}"
    page = client.get(path)
    assert "Comes in" in page.text
    assert "No returnable container" in page.text
    retired = service.create_type(session, factories.ACTOR, name="Old jar", deposit_paise=0)
    service.update_type(session, factories.ACTOR, retired.id, ContainerTypeUpdate(is_active=False))
    assert "Old jar" not in client.get(path).text  # a retired type is not offered

    bad = client.post(f"{path}/container", data={"container": "abc"})
    assert bad.status_code == 400
    assert "no container type" in bad.text
    inactive = client.post(f"{path}/container", data={"container": str(retired.id)})
    assert inactive.status_code == 409
    assert _comes_in(session, paneer.id) is None

    done = client.post(f"{path}/container", data={"container": str(owner.bottle.id)})
    assert done.status_code == 200
    assert "Container saved." in done.text
    assert f'value="{owner.bottle.id}" selected' in done.text
    assert _comes_in(session, paneer.id) == owner.bottle.id
    client.post(f"{path}/container", data={"container": ""})
    assert _comes_in(session, paneer.id) is None
