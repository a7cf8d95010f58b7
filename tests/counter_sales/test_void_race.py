"""Voiding a cash memo is a conditional update: of two voids at once, one wins, the other is a
409, and there is one void and one audit event."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.config import Settings
from milkrun.counter_sales import service
from milkrun.counter_sales.errors import SaleAlreadyVoid
from milkrun.counter_sales.models import CounterSale, SaleMethod, SaleStatus
from milkrun.db.session import Database
from tests import factories
from tests.counter_sales.conftest import Shop


def _voids(session: Session, sale_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "counter_sale.voided", AuditEvent.entity_id == sale_id
            )
        )
        or 0
    )


def test_a_void_that_lost_the_race_is_refused_and_audits_nothing(
    session: Session, shop: Shop, settings: Settings
) -> None:
    sale = service.record_sale(
        session,
        factories.ACTOR,
        settings,
        lines=[(shop.milk.id, 1)],
        method=SaleMethod.cash,
        reference=None,
        today=clock.today(settings.zone),
    )
    # Another request voided it after this one read it (the row changes, this session's
    # copy still says paid).
    session.execute(
        update(CounterSale)
        .where(CounterSale.id == sale.id)
        .values(status=SaleStatus.void.value, void_reason="first")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(SaleAlreadyVoid):
        service.void_sale(session, factories.ACTOR, sale.id, "second")
    assert _voids(session, sale.id) == 0
    session.expire_all()
    assert session.get(CounterSale, sale.id).void_reason == "first"  # type: ignore[union-attr]


@pytest.mark.committed
def test_two_voids_at_once_leave_one_void_and_one_event(
    committed_database: Database, settings: Settings
) -> None:
    with committed_database.session_scope() as session:
        milk = factories.product(session, sku="MILK")
        sale_id = service.record_sale(
            session,
            factories.ACTOR,
            settings,
            lines=[(milk.id, 2)],
            method=SaleMethod.cash,
            reference=None,
            today=clock.today(settings.zone),
        ).id
    first_flushed = threading.Event()
    outcomes: dict[str, BaseException | None] = {}

    def first() -> None:
        try:
            with committed_database.session_scope() as session:
                service.void_sale(session, factories.ACTOR, sale_id, "rung up twice")
                first_flushed.set()
                time.sleep(0.5)  # the second reads the sale as paid meanwhile (PostgreSQL)
            outcomes["first"] = None
        except BaseException as exc:
            first_flushed.set()
            outcomes["first"] = exc

    def second() -> None:
        first_flushed.wait(10)
        try:
            with committed_database.session_scope() as session:
                service.void_sale(session, factories.ACTOR, sale_id, "wrong item")
            outcomes["second"] = None
        except BaseException as exc:
            outcomes["second"] = exc

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes["first"] is None
    assert isinstance(outcomes["second"], SaleAlreadyVoid)
    assert outcomes["second"].status == 409
    with committed_database.session_scope(write=False) as session:
        sale = session.get(CounterSale, sale_id)
        assert sale is not None
        assert (sale.status, sale.void_reason) == ("void", "rung up twice")
        assert _voids(session, sale_id) == 1
