"""Messages: the relay's throughput to a local fake provider, and what writing the outbox row
adds to the transaction that causes it.

1. **Relay**: N messages (default 3,000) for customers opted into WhatsApp are written to the
   outbox; then ``relay_once`` passes (claim a batch of 100, send each message to a local HTTP
   server speaking the WhatsApp Cloud API's messages endpoint, 8 at a time, record) run until
   all are sent. The fake runs in a process of its own and is asked at the end how many it
   delivered (each once). Prints messages per second, end to end (claims, renders, HTTP
   requests, records, commits).
2. **Outbox row**: a causing transaction, recording a payment (``payments.service.add_payment``,
   with its reference check, the insert and its receipt), is timed M times (default 2,000) with
   the receipt written and M times with the hook replaced by a no-op, interleaved in blocks;
   prints the median of each and the difference per transaction, and the median of
   ``outbox.enqueue`` alone.

    .venv/bin/python -m bench.relay [--messages 3000] [--transactions 2000] [--database-url URL]

Without ``--database-url``, a scratch SQLite file; with a PostgreSQL URL, a scratch database on
that server, dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import time
from decimal import Decimal

import httpx
from sqlalchemy import func, insert, select
from tests.notify import fakes
from tests.notify.fakes import PHONE_NUMBER_ID, VERSION, WHATSAPP_TOKEN

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.notify import outbox, relay
from milkrun.notify.channels import open_channels
from milkrun.notify.models import MessageConsent, OutboxMessage
from milkrun.payments import service as payment_service
from milkrun.payments.schemas import PaymentCreate

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
CUSTOMERS = 200


def settings_for(url: str, providers_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=url,
        secret_key=SECRET,
        notify_channels="whatsapp",
        notify_quiet_start=dt.time(0, 0),  # quiet hours off, whenever the bench runs
        notify_quiet_end=dt.time(0, 0),
        notify_monthly_cap=0,
        whatsapp_api_url=providers_url,
        whatsapp_api_version=VERSION,
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_access_token=WHATSAPP_TOKEN,
    )


def customers(database: Database) -> list[int]:
    now = clock.now()
    with database.session_scope() as session:
        session.execute(
            insert(Customer),
            [
                {
                    "name": f"Customer {n}",
                    "phone": f"+9198450{n:05d}",
                    "address": "12 MG Road",
                    "area": "Indiranagar",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(CUSTOMERS)
            ],
        )
        ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
        session.execute(
            insert(MessageConsent),
            [
                {"customer_id": i, "channel": "whatsapp", "is_opted_in": True, "source": "bench"}
                for i in ids
            ],
        )
    return ids


def bench_relay(database: Database, settings: Settings, ids: list[int], messages: int) -> float:
    with database.session_scope() as session:
        for n in range(messages):
            outbox.low_balance(
                session, customer_id=ids[n % len(ids)], balance_paise=n, threshold_paise=20000
            )
    channels = open_channels(settings)
    started = time.perf_counter()
    sent = 0
    while sent < messages:
        report = relay.relay_once(database, settings, channels, batch=relay.BATCH)
        sent += report.counts.get("sent", 0)
        if report.claimed == 0:
            raise SystemExit(f"stalled at {sent} of {messages}")
    elapsed = time.perf_counter() - started
    for channel in channels.values():
        channel.close()
    with database.session_scope(write=False) as session:
        done = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
    assert done == messages, (done, messages)
    return messages / elapsed


def _pay(database: Database, customer_id: int, n: int) -> float:
    data = PaymentCreate(
        customer_id=customer_id, amount=Decimal("850.00"), method="upi", reference=f"B-{n}"
    )
    started = time.perf_counter()
    with database.session_scope() as session:
        payment_service.add_payment(session, data, user_id=None, now=clock.now())
    return time.perf_counter() - started


def bench_outbox_row(
    database: Database, ids: list[int], transactions: int
) -> tuple[list[float], list[float], float]:
    """Payment transactions with and without their receipt row, alternating one by one (the
    machine's load changes both alike); and ``enqueue`` alone, inside one transaction."""
    real = outbox.payment_recorded
    with_row: list[float] = []
    without: list[float] = []
    for n in range(transactions):
        hook, times = (real, with_row) if n % 2 == 0 else (_no_message, without)
        outbox.payment_recorded = hook
        times.append(_pay(database, ids[n % len(ids)], n))
    outbox.payment_recorded = real

    alone = []
    with database.session_scope() as session:
        for m in range(transactions):
            started = time.perf_counter()
            outbox.low_balance(session, customer_id=ids[0], balance_paise=m, threshold_paise=1)
            alone.append(time.perf_counter() - started)
    return _quantiles(with_row), _quantiles(without), statistics.median(alone)


def _quantiles(times: list[float]) -> list[float]:
    """The 10th, 25th and 50th percentiles. On a loaded machine a transaction is now and then
    preempted for a 10 ms time slice, and a longer one more often: the lower quantiles show
    what the work itself costs."""
    cuts = statistics.quantiles(times, n=20)
    return [cuts[1], cuts[4], cuts[9]]


def _no_message(*_args: object, **_kwargs: object) -> None:
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    context = multiprocessing.get_context("spawn")
    urls = context.Queue()
    fake = context.Process(target=fakes.serve_in_this_process, args=(urls,), daemon=True)
    fake.start()
    providers_url = urls.get(timeout=60)
    with scratch_database(args.database_url) as url:
        migrate.upgrade(url)
        database = Database(url)
        try:
            ids = customers(database)
            rate = bench_relay(database, settings_for(url, providers_url), ids, args.messages)
            stats = httpx.get(providers_url).json()
            assert stats["keys"] == args.messages, stats
            assert stats["most_per_key"] == 1, stats
            print(
                f"relay: {args.messages} messages in {args.messages / rate:.2f} s, "
                f"{rate:,.0f} messages/s (target >= 200)"
            )
            with_row, without, alone = bench_outbox_row(database, ids, args.transactions)
            for name, w, wo in zip(("p10", "p25", "p50"), with_row, without, strict=True):
                print(
                    f"payment transaction {name}: {w * 1000:.3f} ms with its receipt row, "
                    f"{wo * 1000:.3f} ms without: the row adds {(w - wo) * 1000:.3f} ms"
                )
            print(f"outbox.enqueue alone: {alone * 1000:.3f} ms (target for the row: <= 1 ms)")
        finally:
            database.dispose()
            fake.kill()


if __name__ == "__main__":
    main()
