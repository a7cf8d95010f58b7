"""Container type names are unique whatever their case, and the database says so (a unique
index on lower(name)): a request that passed the service's check while another took the name
gets a 409 on the API and a form message on the page, never a 500 or a near-duplicate."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.catalog.models import Product
from milkrun.containers import service
from milkrun.containers.errors import ContainerTypeNameTaken
from milkrun.containers.models import ContainerType
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login

TYPES = "/api/v1/container-types"
PAGE = "/admin/containers/types"


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (ContainerType, Product, AuditEvent)
    )


@pytest.fixture
def crate(session: Session) -> ContainerType:
    return service.create_type(session, factories.ACTOR, name="Curd crate", deposit_paise=100)


@pytest.fixture
def racing(monkeypatch: pytest.MonkeyPatch, crate: ContainerType) -> None:
    """Once the crate is made, the service's look for a name misses once, as it does for a
    request that looked while another was saving the same name."""
    real = service._name_free
    looked: list[str] = []

    def missed_once(session: Session, name: str, *, but: int | None = None) -> None:
        looked.append(name)
        if len(looked) > 1:
            real(session, name, but=but)

    monkeypatch.setattr(service, "_name_free", missed_once)


def test_the_database_refuses_a_name_that_differs_only_in_case(
    session: Session, crate: ContainerType
) -> None:
    session.add(
        ContainerType(
            name="CURD Crate", deposit_paise=0, deposit_product_id=crate.deposit_product_id
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.usefixtures("racing")
def test_the_api_answers_409_when_the_name_was_taken_meanwhile(
    client: TestClient, session: Session, admin: Login, crate: ContainerType
) -> None:
    before = _counts(session)
    made = client.post(TYPES, json={"name": "curd CRATE", "deposit": 1}, headers=admin.headers)
    assert made.status_code == 409, made.text
    assert made.json()["code"] == "container_type_name_taken"
    assert _counts(session) == before


def test_a_rename_that_lost_the_race_is_409(
    client: TestClient,
    session: Session,
    admin: Login,
    crate: ContainerType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jar = service.create_type(session, factories.ACTOR, name="Jar", deposit_paise=0)
    before = _counts(session)
    monkeypatch.setattr(service, "_name_free", lambda *_a, **_k: None)
    renamed = client.patch(f"{TYPES}/{jar.id}", json={"name": "CURD CRATE"}, headers=admin.headers)
    assert renamed.status_code == 409, renamed.text
    assert renamed.json()["code"] == "container_type_name_taken"
    assert _counts(session) == before
    session.expire_all()
    assert session.get(ContainerType, jar.id).name == "Jar"  # type: ignore[union-attr]


@pytest.mark.usefixtures("racing")
def test_the_page_re_renders_the_form_when_the_name_was_taken_meanwhile(
    client: TestClient, session: Session, admin: Login, crate: ContainerType
) -> None:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    before = _counts(session)
    taken = client.post(PAGE, data={"name": "curd crate", "deposit": "20"})
    assert taken.status_code == 409
    assert "already a container type named curd crate" in taken.text
    assert 'value="curd crate"' in taken.text
    assert _counts(session) == before


@pytest.mark.committed
def test_two_creates_at_once_of_one_name_in_two_cases(committed_database: Database) -> None:
    first_flushed = threading.Event()
    outcomes: dict[str, Any] = {}

    def first() -> None:
        try:
            with committed_database.session_scope() as session:
                service.create_type(session, factories.ACTOR, name="Crate", deposit_paise=0)
                first_flushed.set()
                time.sleep(0.5)  # the second looks for the name meanwhile (PostgreSQL)
            outcomes["first"] = None
        except BaseException as exc:
            first_flushed.set()
            outcomes["first"] = exc

    def second() -> None:
        first_flushed.wait(10)
        try:
            with committed_database.session_scope() as session:
                service.create_type(session, factories.ACTOR, name="CRATE", deposit_paise=0)
            outcomes["second"] = None
        except BaseException as exc:
            outcomes["second"] = exc

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes["first"] is None
    assert isinstance(outcomes["second"], ContainerTypeNameTaken), outcomes["second"]
    with committed_database.session_scope(write=False) as session:
        assert session.scalars(select(ContainerType.name)).all() == ["Crate"]
