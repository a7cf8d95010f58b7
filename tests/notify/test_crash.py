"""``kill -9`` of the relay process at random moments: every message is sent, and none twice to
the provider (the fake counts deliveries and honours the idempotency key)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from milkrun.db.session import Database
from milkrun.notify import outbox
from milkrun.notify.models import Channel, OutboxMessage
from tests.conftest import TEST_SECRET
from tests.notify.conftest import opted_in
from tests.notify.fakes import PHONE_NUMBER_ID, VERSION, WHATSAPP_TOKEN, FakeProviders

MESSAGES = 60
RELAY = "from milkrun.cli import main; main()"


def start_relay(database_url: str, providers: FakeProviders, cwd: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MILKRUN_ENV": "test",
        "MILKRUN_DATABASE_URL": database_url,
        "MILKRUN_SECRET_KEY": TEST_SECRET,
        "MILKRUN_NOTIFY_CHANNELS": "whatsapp",
        "MILKRUN_NOTIFY_LEASE_SECONDS": "0.5",
        "MILKRUN_NOTIFY_RETRY_SECONDS": "0.1",
        "MILKRUN_NOTIFY_MAX_ATTEMPTS": "30",
        "MILKRUN_NOTIFY_RELAY_CONCURRENCY": "1",  # sends spread over time: kills land among them
        "MILKRUN_NOTIFY_QUIET_START": "00:00",  # quiet hours off: whenever the test runs
        "MILKRUN_NOTIFY_QUIET_END": "00:00",
        "MILKRUN_WHATSAPP_API_URL": providers.url,
        "MILKRUN_WHATSAPP_API_VERSION": VERSION,
        "MILKRUN_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "MILKRUN_WHATSAPP_ACCESS_TOKEN": WHATSAPP_TOKEN,
    }
    command = [sys.executable, "-c", RELAY, "notify", "relay", "--poll", "0.05", "--batch", "5"]
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def statuses(database: Database) -> list[tuple[str, str]]:
    with database.session_scope(write=False) as session:
        rows = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status))
        return [(key, status) for key, status in rows]


@pytest.mark.committed
def test_kill_9_at_random_moments_loses_nothing_and_sends_nothing_twice(
    committed_database: Database,
    database_url: str,
    providers: FakeProviders,
    tmp_path: Path,
) -> None:
    with committed_database.session_scope() as session:
        customers = [opted_in(session, Channel.whatsapp) for _ in range(5)]
        for n in range(MESSAGES):
            outbox.low_balance(
                session,
                customer_id=customers[n % 5].id,
                balance_paise=n,
                threshold_paise=20000,
            )
    providers.delay_seconds = 0.02  # sends take a while: kills land between send and record
    rng = random.Random(14)
    kills = 0
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        before = len(providers.requests)
        relay = start_relay(database_url, providers, tmp_path)
        # Wait until this relay is sending, then kill it at a random moment.
        while len(providers.requests) == before and relay.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.05, 0.5))
        relay.kill()
        relay.wait()
        kills += 1
        if all(status == "sent" for _, status in statuses(committed_database)):
            break

    found = statuses(committed_database)
    assert [s for _, s in found] == ["sent"] * MESSAGES
    assert kills >= 3
    assert set(providers.delivered) == {key for key, _ in found}  # every message delivered ...
    assert set(providers.delivered.values()) == {1}  # ... once
    # The relays were really killed between sending and recording: some keys came again.
    assert len(providers.requests) > MESSAGES
