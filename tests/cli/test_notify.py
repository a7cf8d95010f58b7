"""``milkrun notify``: the relay in one pass, dead letters and their retry, the monthly count,
dues reminders, and a channel without its settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select, update

from milkrun.billing.models import Invoice
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.notify import outbox
from milkrun.notify.models import OutboxMessage
from tests import factories
from tests.billing import factories as billing_factories
from tests.cli.conftest import RunCli


@pytest.fixture
def dairy(new_database_url: Callable[[], str]) -> Iterator[tuple[str, Database, int]]:
    url = new_database_url()
    migrate.upgrade(url)
    database = Database(url)
    with database.session_scope() as session:
        customer = factories.customer(session)
        # Urgent, so that quiet hours (whenever the suite runs) do not hold it.
        order = billing_factories.order(
            session,
            customer_id=customer.id,
            product_id=factories.product(session).id,
            day=dt.date(2026, 12, 7),
        )
        outbox.delivery_marked(session, order, "not_delivered", "refused")
        customer_id = customer.id
    yield url, database, customer_id
    database.dispose()


def _statuses(database: Database) -> list[str]:
    with database.session_scope(write=False) as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_relay_once_sends_what_is_due_by_the_log(
    run_cli: RunCli, dairy: tuple[str, Database, int]
) -> None:
    url, database, _ = dairy
    result = run_cli(url, "notify", "relay", "--once")
    assert result.exit_code == 0, result.output
    assert "claimed 1" in result.output
    assert _statuses(database) == ["sent"]
    usage = run_cli(url, "notify", "usage")
    assert usage.exit_code == 0, usage.output
    assert "1 sent (cap 10000, 9999 left)" in usage.output


def test_a_dead_letter_is_listed_and_sent_again(
    run_cli: RunCli, dairy: tuple[str, Database, int]
) -> None:
    url, database, _ = dairy
    with database.session_scope() as session:
        session.execute(update(OutboxMessage).values(status="dead", last_error="HTTP 400: bad"))
        message_id = session.scalar(select(OutboxMessage.id))
    listed = run_cli(url, "notify", "dead-letters")
    assert listed.exit_code == 0, listed.output
    assert "not_delivered" in listed.output
    assert "HTTP 400: bad" in listed.output

    retried = run_cli(url, "notify", "retry", str(message_id))
    assert retried.exit_code == 0, retried.output
    assert _statuses(database) == ["pending"]
    again = run_cli(url, "notify", "retry", str(message_id))
    assert again.exit_code == 1
    assert "message_not_retriable" in again.output


def test_remind_dues_writes_one_reminder_per_overdue_bill(
    run_cli: RunCli, dairy: tuple[str, Database, int]
) -> None:
    url, database, customer_id = dairy
    with database.session_scope() as session:
        session.add(  # issued long ago: overdue whenever the suite runs
            Invoice(
                customer_id=customer_id,
                month=dt.date(2026, 10, 1),
                status="finalized",
                is_prepaid=False,
                series="TS/2627",
                sequence=1,
                number="TS/2627/000001",
                customer_name="Someone",
                customer_address="Somewhere",
                issue_date=dt.date(2026, 11, 1),
                due_date=dt.date(2026, 11, 10),
                subtotal_paise=5000,
                tax_paise=0,
                total_paise=5000,
                finalized_at=dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC),
            )
        )
    for expected in ("1 reminder(s)", "0 reminder(s)"):
        result = run_cli(url, "notify", "remind-dues")
        assert result.exit_code == 0, result.output
        assert expected in result.output
    with database.session_scope(write=False) as session:
        templates = session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id))
        assert list(templates) == ["not_delivered", "dues_reminder"]


def test_a_channel_without_its_settings_is_a_configuration_error(
    run_cli: RunCli, dairy: tuple[str, Database, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, database, _ = dairy
    monkeypatch.setenv("MILKRUN_NOTIFY_CHANNELS", "whatsapp")
    result = run_cli(url, "notify", "relay", "--once")
    assert result.exit_code == 2
    assert "MILKRUN_WHATSAPP_PHONE_NUMBER_ID" in result.output
    assert _statuses(database) == ["pending"]
