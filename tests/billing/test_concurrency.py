"""Races, with real commits and threads: concurrent billing runs of one month, and concurrent
finalizations that fail at random, leave one consistent result and a gapless series."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.billing import numbering, reconcile, service, settlement
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.db.session import Database
from milkrun.errors import Conflict
from milkrun.orders.models import Order
from tests import factories
from tests.billing import factories as bf

pytestmark = pytest.mark.committed
NOV = bf.NOVEMBER
CUSTOMERS = 12


def a_month_of_deliveries(database: Database) -> dict[int, int]:
    """Customers with a fortnight of milk, some partial, some missed; returns what each must be
    billed (paise)."""
    expected: dict[int, int] = {}
    with database.session_scope() as session:
        admin = factories.admin_user(session)
        milk = factories.product(session, sku="TM500")
        curd = factories.product(session, sku="CU500", tax_rate="5.00")
        for n in range(CUSTOMERS):
            customer = factories.customer(session, name=f"Customer {n}")
            expected[customer.id] = 0
            for day in range(1, 15):
                product = milk if day % 3 else curd
                price = 2800 if day < 10 else 2900
                made = bf.order(
                    session,
                    customer_id=customer.id,
                    product_id=product.id,
                    day=NOV.replace(day=day),
                    quantity=2,
                    price_paise=price,
                )
                delivered = [2, 2, 1, 0][(day + n) % 4]
                if (day * n) % 7 == 3:
                    continue  # never marked
                bf.deliver(session, made, delivered, by=admin)
                expected[customer.id] += delivered * price
    return {c: paise for c, paise in expected.items() if paise}


def in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return failures


def snapshot(session: Session) -> dict[str, Any]:
    invoices = session.scalars(select(Invoice).order_by(Invoice.id)).all()
    lines = session.execute(
        select(
            InvoiceLine.invoice_id,
            InvoiceLine.product_id,
            InvoiceLine.unit_price_paise,
            InvoiceLine.quantity,
            InvoiceLine.amount_paise,
            InvoiceLine.tax_paise,
        ).order_by(InvoiceLine.invoice_id, InvoiceLine.product_id, InvoiceLine.unit_price_paise)
    ).all()
    billed = session.execute(
        select(Order.id, Order.invoice_id).where(Order.invoice_id.is_not(None)).order_by(Order.id)
    ).all()
    return {
        "invoices": [
            (i.id, i.customer_id, i.status, i.subtotal_paise, i.total_paise) for i in invoices
        ],
        "lines": [tuple(row) for row in lines],
        "billed": [tuple(row) for row in billed],
    }


def test_twenty_concurrent_runs_of_a_month_give_one_runs_result(
    committed_database: Database,
) -> None:
    expected = a_month_of_deliveries(committed_database)

    def run(_index: int) -> None:
        with committed_database.session_scope() as session:
            service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    assert in_threads(20, run) == []

    with committed_database.session_scope(write=False) as session:
        after_race = snapshot(session)
    run(0)  # one more run, alone: a rebuild gives the same drafts
    with committed_database.session_scope(write=False) as session:
        assert snapshot(session) == after_race
        subtotals = dict(session.execute(select(Invoice.customer_id, Invoice.total_paise)).all())
        per_customer = Counter(session.scalars(select(Invoice.customer_id)).all())
    assert subtotals == expected
    assert set(per_customer.values()) == {1}


class Flaky:
    """Makes settling fail now and then, after the numbers were taken: the transaction rolls
    back, numbers included."""

    def __init__(self, real: Callable[..., None], seed: int) -> None:
        self.real = real
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.failures = 0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        with self.lock:
            fail = self.random.random() < 0.3
            if fail:
                self.failures += 1
        if fail:
            raise RuntimeError("the lights went out")
        self.real(*args, **kwargs)


def test_concurrent_finalizations_that_fail_at_random_leave_no_gaps_and_no_duplicates(
    committed_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_month_of_deliveries(committed_database)
    with committed_database.session_scope() as session:
        bf.close_month(session, NOV)
        service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
        ids = list(session.scalars(select(Invoice.id)))
    flaky = Flaky(settlement.settle, seed=20261203)
    monkeypatch.setattr(settlement, "settle", flaky)

    def finalize(index: int) -> None:
        chooser = random.Random(index)
        for _attempt in range(200):
            with committed_database.session_scope(write=False) as session:
                left = list(session.scalars(select(Invoice.id).where(Invoice.status == "draft")))
            if not left:
                return
            try:
                with committed_database.session_scope() as session:
                    if chooser.random() < 0.1:
                        service.finalize_month(
                            session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY
                        )
                    else:
                        service.finalize_invoice(
                            session,
                            chooser.choice(left),
                            factories.ACTOR,
                            bf.SETTINGS,
                            today=bf.TODAY,
                        )
            except (Conflict, RuntimeError):
                continue  # someone else got it first, or the injected failure

    assert in_threads(8, finalize) == []

    assert flaky.failures > 0
    with committed_database.session_scope(write=False) as session:
        numbers = list(session.scalars(select(Invoice.number).order_by(Invoice.sequence)))
        assert session.scalar(select(func.count(Invoice.id)).where(Invoice.status == "draft")) == 0
        assert numbering.last_number(session, "MR/2627") == len(ids)
    assert numbers == [f"MR/2627/{n:06d}" for n in range(1, len(ids) + 1)]


def test_a_correction_waits_for_a_run_of_its_month_and_is_not_lost(
    committed_database: Database,
) -> None:
    with committed_database.session_scope() as session:
        admin = factories.admin_user(session)
        milk = factories.product(session)
        customer = factories.customer(session)
        made = bf.order(session, customer_id=customer.id, product_id=milk.id, day=NOV)
        bf.deliver(session, made, by=admin)
        service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
        admin_id, order_id = admin.id, made.id

    run_holds_the_month = threading.Event()
    correction_done = threading.Event()
    seen_while_running: list[bool] = []

    def run() -> None:
        with committed_database.session_scope() as session:
            service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
            run_holds_the_month.set()
            correction_done.wait(timeout=1.0)
            seen_while_running.append(correction_done.is_set())

    def correct() -> None:
        run_holds_the_month.wait(timeout=30)
        with committed_database.session_scope() as session:
            admin = session.get(User, admin_id)
            order = session.get(Order, order_id)
            assert admin is not None
            assert order is not None
            bf.correct(session, order, 1, admin=admin)
        correction_done.set()

    assert in_threads(2, lambda i: (run, correct)[i]()) == []

    assert seen_while_running == [False]  # the correction waited for the run to commit
    with committed_database.session_scope(write=False) as session:
        assert reconcile.reconcile(session, NOV).clean
    with committed_database.session_scope() as session:
        service.run_billing(session, NOV, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)
    with committed_database.session_scope(write=False) as session:
        (invoice,) = session.scalars(select(Invoice)).all()
        assert invoice.subtotal_paise == 2800
        assert reconcile.reconcile(session, NOV).clean
