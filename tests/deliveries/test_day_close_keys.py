"""The status -> close key (``delivery_statuses.recorded_by_close_id``): a status names a close
that exists, and a close that statuses name stays; the same for the keys of who recorded a
status or acted in the trail. PostgreSQL checks them once per statement with triggers (migration
``0028_day_close_keys``: a day's close writes one status and one event per order, all naming one
close), SQLite with its foreign keys; both refuse the same writes, and on PostgreSQL
a delete of the close and a status naming it, racing, never leave a status naming nothing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.deliveries import closing
from milkrun.deliveries.models import DeliveryStatus
from milkrun.links.models import SharedDeliveryLink
from milkrun.orders.models import Order
from milkrun.periods.models import DayClose
from tests.deliveries import factories as df


def yesterday() -> dt.date:
    return df.today() - dt.timedelta(days=1)


def close(session: Session, settings: Settings, day: dt.date) -> closing.Closed:
    tuned = settings.model_copy(update={"day_close_policy": "delivered"})
    return closing.close_day(session, day, closing.system_actor("cli"), tuned)


def status_row(order_id: int, customer_id: int, close_id: int) -> dict[str, Any]:
    now = clock.now()
    return {
        "order_id": order_id,
        "customer_id": customer_id,
        "status": "delivered",
        "quantity_delivered": 1,
        "recorded_by_close_id": close_id,
        "recorded_at": now,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def test_a_status_naming_no_close_is_refused(session: Session, settings: Settings) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    closed = close(session, settings, day.date)
    first, second = day.orders
    missing = closed.record.id + 1000
    session.execute(delete(DeliveryStatus).where(DeliveryStatus.order_id == second.id))

    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            insert(DeliveryStatus).values(status_row(second.id, second.customer_id, missing))
        )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            update(DeliveryStatus)
            .where(DeliveryStatus.order_id == first.id)
            .values(recorded_by_close_id=missing)
        )

    assert df.status_of(session, second.id) is None
    status = df.status_of(session, first.id)
    assert status is not None
    assert status.recorded_by_close_id == closed.record.id
    # The close that exists is accepted, by an insert as by an update.
    session.execute(
        insert(DeliveryStatus).values(status_row(second.id, second.customer_id, closed.record.id))
    )
    session.execute(
        update(DeliveryStatus)
        .where(DeliveryStatus.order_id == first.id)
        .values(recorded_by_close_id=closed.record.id)
    )


def test_a_close_named_by_statuses_is_kept(session: Session, settings: Settings) -> None:
    day = df.delivery_day(session, date=yesterday(), stops=2)
    closed = close(session, settings, day.date)
    close_id = closed.record.id

    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(delete(DayClose).where(DayClose.id == close_id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(DayClose).where(DayClose.id == close_id).values(id=close_id + 1000))

    named = select(func.count(DeliveryStatus.id)).where(
        DeliveryStatus.recorded_by_close_id == close_id
    )
    assert session.scalar(named) == 2
    assert session.scalar(select(DayClose.id).where(DayClose.id == close_id)) == close_id
    # Its other columns change freely; a close no status names can go.
    session.execute(update(DayClose).where(DayClose.id == close_id).values(review=1))
    empty = close(session, settings, day.date - dt.timedelta(days=1))
    assert empty.resolved == 0
    gone = session.execute(delete(DayClose).where(DayClose.id == empty.record.id))
    assert gone.rowcount == 1  # type: ignore[attr-defined]


@pytest.fixture
def unnamed_close(committed_database: Database, db_kind: str) -> tuple[int, int, int]:
    """A close of yesterday and an order of that day without a status (committed)."""
    if db_kind != "postgresql":
        pytest.skip("SQLite serializes writers: no two transactions race")
    with committed_database.session_scope() as session:
        day = df.delivery_day(session, date=yesterday(), stops=1)
        record = DayClose(delivery_date=day.date, policy="delivered", trigger="cli")
        session.add(record)
        session.flush()
        return record.id, day.orders[0].id, day.orders[0].customer_id


def _in_thread(work: Any) -> tuple[threading.Thread, list[BaseException | None]]:
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    return thread, outcome


@pytest.mark.committed
def test_a_status_naming_a_close_being_deleted_waits_and_is_refused(
    committed_database: Database, unnamed_close: tuple[int, int, int]
) -> None:
    close_id, order_id, customer_id = unnamed_close
    engine = committed_database.engine
    with engine.connect() as deleting:
        deleting.execute(delete(DayClose).where(DayClose.id == close_id))

        def name_it() -> None:
            with engine.begin() as naming:
                naming.execute(
                    insert(DeliveryStatus).values(status_row(order_id, customer_id, close_id))
                )

        thread, outcome = _in_thread(name_it)
        assert thread.is_alive()  # waiting for the delete
        deleting.commit()
        thread.join(10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], IntegrityError)
    with engine.connect() as reading:
        assert reading.scalar(select(func.count(DeliveryStatus.id))) == 0


@pytest.mark.committed
def test_a_delete_of_a_close_being_named_waits_and_is_refused(
    committed_database: Database, unnamed_close: tuple[int, int, int]
) -> None:
    close_id, order_id, customer_id = unnamed_close
    engine = committed_database.engine
    with engine.connect() as naming:
        naming.execute(insert(DeliveryStatus).values(status_row(order_id, customer_id, close_id)))

        def delete_it() -> None:
            with engine.begin() as deleting:
                deleting.execute(delete(DayClose).where(DayClose.id == close_id))

        thread, outcome = _in_thread(delete_it)
        assert thread.is_alive()  # waiting for the status's writer
        naming.commit()
        thread.join(10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], IntegrityError)
    with engine.connect() as reading:
        assert reading.scalar(select(DayClose.id).where(DayClose.id == close_id)) == close_id
        named = select(DeliveryStatus.recorded_by_close_id).where(
            DeliveryStatus.order_id == order_id
        )
        assert reading.scalar(named) == close_id


def test_the_recorder_keys_refuse_what_does_not_exist(session: Session, settings: Settings) -> None:
    """The same for the keys of who recorded a status (a login, a link) and who acted in the
    trail, which the close leaves empty: a row naming nothing is refused."""
    day = df.delivery_day(session, date=yesterday(), stops=1)
    order = day.orders[0]
    user_id = day.boy.user.id
    link, _token = df.link(session, day.route, df.today())
    missing = 10**6
    row = status_row(order.id, order.customer_id, 0)
    del row["recorded_by_close_id"]
    for column in ("recorded_by_user_id", "recorded_by_link_id"):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(insert(DeliveryStatus).values(**row, **{column: missing}))
    event = {
        "occurred_at": clock.now(),
        "actor_label": "tests",
        "channel": "test",
        "action": "thing.create",
        "entity_type": "thing",
    }
    for column in ("actor_user_id", "actor_link_id"):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(insert(AuditEvent).values(**event, **{column: missing}))
    assert df.status_of(session, order.id) is None

    session.execute(insert(DeliveryStatus).values(**row, recorded_by_link_id=link.id))
    session.execute(insert(AuditEvent).values(**event, actor_user_id=user_id))
    session.execute(insert(AuditEvent).values(**event, actor_link_id=link.id))
    # A login or a link named so stays.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(delete(SharedDeliveryLink).where(SharedDeliveryLink.id == link.id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(delete(User).where(User.id == user_id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(User).where(User.id == user_id).values(id=missing))
    assert session.scalar(select(User.id).where(User.id == user_id)) == user_id


def test_a_status_names_an_order_of_its_customer(session: Session, settings: Settings) -> None:
    """The status -> order key (``0029_status_order_key`` on PostgreSQL, one anti-join per
    statement; SQLite's foreign key): a status of no order, or of an order of another customer,
    is refused by an insert as by an update; the order that exists is accepted."""
    day = df.delivery_day(session, date=yesterday(), stops=2)
    closed = close(session, settings, day.date)
    first, second = day.orders
    assert first.customer_id != second.customer_id
    session.execute(delete(DeliveryStatus).where(DeliveryStatus.order_id == second.id))
    missing = max(first.id, second.id) + 1000

    for order_id, customer_id in ((missing, second.customer_id), (second.id, first.customer_id)):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(
                insert(DeliveryStatus).values(status_row(order_id, customer_id, closed.record.id))
            )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            update(DeliveryStatus)
            .where(DeliveryStatus.order_id == first.id)
            .values(order_id=second.id)  # the other customer's order
        )

    assert df.status_of(session, second.id) is None
    session.execute(
        insert(DeliveryStatus).values(status_row(second.id, second.customer_id, closed.record.id))
    )
    status = df.status_of(session, second.id)
    assert status is not None
    assert status.customer_id == second.customer_id


def test_an_order_is_never_deleted_nor_moved(
    session: Session, settings: Settings, db_kind: str
) -> None:
    """On PostgreSQL an order keeps its identity whatever names it (the status key above needs
    no lock because of it): a delete or a change of its id or customer is refused; its other
    columns change freely."""
    if db_kind != "postgresql":
        pytest.skip("SQLite keeps the status -> order foreign key (and its own rules)")
    day = df.delivery_day(session, date=yesterday(), stops=2)
    first, second = day.orders
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(delete(Order).where(Order.id == first.id))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Order).where(Order.id == first.id).values(id=first.id + 1000))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            update(Order).where(Order.id == first.id).values(customer_id=second.customer_id)
        )
    session.execute(update(Order).where(Order.id == first.id).values(quantity=3))
    assert session.scalar(select(Order.quantity).where(Order.id == first.id)) == 3
