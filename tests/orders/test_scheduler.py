"""The embedded scheduler: materializes each date at its cut-off, catches up missed dates at
start, once even with several schedulers, and runs with the app only when settings say so."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from milkrun import clock
from milkrun.app import create_app
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.orders import generate
from milkrun.orders.models import MaterializationRun, Order
from milkrun.orders.scheduler import MaterializationScheduler, catch_up, dates_due
from tests import factories
from tests.order_book import AFTER_CUTOFF, MORNING, TODAY, TOMORROW, make_dairy


def runs(database: Database) -> list[tuple[str, str]]:
    with database.session_scope(write=False) as session:
        return [
            (r.delivery_date.isoformat(), r.trigger)
            for r in session.scalars(select(MaterializationRun).order_by(MaterializationRun.id))
        ]


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the scheduler did not get there")
        time.sleep(0.02)


def seed(database: Database, settings: Settings) -> None:
    with database.session_scope() as session:
        dairy = make_dairy(session, settings)
        factories.subscription(session, customer=dairy.customer, product=dairy.milk)


def test_dates_due(settings: Settings) -> None:
    assert dates_due(settings, MORNING) == [TODAY]
    assert dates_due(settings, AFTER_CUTOFF) == [TODAY, TOMORROW]


def test_settings_switch_it(settings: Settings) -> None:
    assert not settings.runs_scheduler  # never in tests
    assert Settings(env="dev").runs_scheduler
    assert not Settings(env="dev", scheduler=False).runs_scheduler


@pytest.mark.committed
def test_catch_up_materializes_missed_dates_once(
    committed_database: Database, settings: Settings
) -> None:
    seed(committed_database, settings)
    clock.freeze(AFTER_CUTOFF)  # the server was down all day and comes back after 22:00
    reports = catch_up(committed_database, settings, trigger="catch_up")
    assert [(r.date, r.counts.created) for r in reports] == [(TODAY, 1), (TOMORROW, 1)]
    assert catch_up(committed_database, settings, trigger="catch_up") == []
    assert runs(committed_database) == [
        (TODAY.isoformat(), "catch_up"),
        (TOMORROW.isoformat(), "catch_up"),
    ]


@pytest.mark.committed
def test_the_thread_catches_up_then_runs_at_the_cutoff(
    committed_database: Database, settings: Settings
) -> None:
    seed(committed_database, settings)
    clock.freeze(MORNING)
    scheduler = MaterializationScheduler(committed_database, settings, poll_seconds=0.02)
    scheduler.start()
    try:
        wait_for(lambda: runs(committed_database) == [(TODAY.isoformat(), "catch_up")])
        clock.freeze(AFTER_CUTOFF)
        wait_for(lambda: len(runs(committed_database)) == 2)
    finally:
        scheduler.stop()
    assert runs(committed_database)[1] == (TOMORROW.isoformat(), "scheduler")
    with committed_database.session_scope(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 2


@pytest.mark.committed
def test_the_app_runs_it_when_settings_say_so(
    committed_database: Database, settings: Settings
) -> None:
    seed(committed_database, settings)
    clock.freeze(MORNING)
    with TestClient(create_app(settings, committed_database)):
        time.sleep(0.2)
    assert runs(committed_database) == []  # env=test: off
    live = settings.model_copy(update={"env": "dev"})
    with TestClient(create_app(live, committed_database)):
        wait_for(lambda: runs(committed_database) == [(TODAY.isoformat(), "catch_up")])


@pytest.mark.committed
def test_two_runs_of_one_date_at_once_make_its_orders_once(
    committed_database: Database, settings: Settings
) -> None:
    """Two servers' schedulers (or cron and an admin) at the same moment: serialized per date
    (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), never a duplicate."""
    with committed_database.session_scope() as session:
        dairy = make_dairy(session, settings)
        for _ in range(20):
            factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(trigger: str) -> None:
        try:
            barrier.wait()
            with committed_database.session_scope() as session:
                generate.materialize(session, TOMORROW, Actor.system(trigger), trigger=trigger)
        except BaseException as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with committed_database.session_scope(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 20
        created = sorted(session.scalars(select(MaterializationRun.created)))
    assert created == [0, 0, 0, 20]
