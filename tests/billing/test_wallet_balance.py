"""The balance travels with wallets too: a prepaid customer's deposits, deliveries and skipped
days keep bills − payments − credits = ledger balance, and its wallet is the ledger read forward
(a property over deposits, thresholds, partial deliveries and low-balance holds)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing import ledger, reconcile, statement
from milkrun.billing.models import ISSUED_STATUSES, Invoice
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.orders.models import LowBalanceHold, Order
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import balance, generation, service
from milkrun.wallets.schemas import WalletUpdate
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy

ZONE = ZoneInfo("Asia/Kolkata")
NOV = bf.NOVEMBER
SETTINGS = Settings(env="test", secret_key=factories.SECRET)

plans = st.fixed_dictionaries(
    {
        "days": st.integers(3, 8),
        "threshold": st.sampled_from([None, "0.00", "60.00"]),
        "paneer": st.booleans(),  # a 5 % GST item beside the milk (its tax is inside the price)
        "deposits": st.lists(st.tuples(st.integers(1, 8), st.integers(1, 300)), max_size=4),
        "partial": st.lists(st.integers(1, 8), max_size=3),  # days delivered one pouch short
    }
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans)
def test_a_prepaid_wallet_is_the_ledger_read_forward(
    session: Session, dairy: Dairy, plan: dict[str, Any]
) -> None:
    """Each November day: the deposits received the day before, then the day generated (held
    when the wallet is too low), then its orders delivered. Every held day has no order and a
    hold whose figures break the rule; every generated day passed it. After November is billed:
    the bill states previous balance + payments and credits + charges = total due = the ledger
    balance, reconciliation is clean, and the wallet's balance is minus the ledger balance."""
    savepoint = session.begin_nested()
    try:
        customer = dairy.asha.id
        factories.subscription(
            session,
            customer=dairy.asha,
            product=dairy.milk,
            start=NOV,
            schedule={"kind": "daily", "quantity": 2},
        )
        if plan["paneer"]:
            factories.subscription(
                session,
                customer=dairy.asha,
                product=dairy.paneer,
                start=NOV,
                schedule={"kind": "alternate_days", "quantity": 1},
            )
        threshold = plan["threshold"]
        service.set_wallet(
            session,
            customer,
            WalletUpdate(
                is_prepaid=True, threshold=Decimal(threshold) if threshold is not None else None
            ),
            factories.ACTOR,
            threshold_paise=0,
            today=NOV,
        )
        rule = int(Decimal(threshold or "0.00") * 100)
        for n in range(1, plan["days"] + 1):
            day = NOV.replace(day=n)
            for on, rupees in plan["deposits"]:
                if on == n:
                    service.receive_payment(
                        session,
                        PaymentCreate(
                            customer_id=customer,
                            amount=Decimal(rupees),
                            method="cash",
                            received_at=dt.datetime.combine(
                                day - dt.timedelta(days=1), dt.time(18, 0), ZONE
                            ),
                        ),
                        factories.ACTOR,
                        threshold_paise=0,
                        today=day - dt.timedelta(days=1),
                        confirm_duplicate=True,
                    )
            before = session.execute(
                balance.available_before(day, 0).where(Customer.id == customer)
            ).one()
            generation.materialize(session, day, factories.ACTOR, SETTINGS, trigger="test")
            session.expire_all()
            orders = session.scalars(
                select(Order).where(Order.customer_id == customer, Order.delivery_date == day)
            ).all()
            hold = session.scalars(
                select(LowBalanceHold).where(
                    LowBalanceHold.customer_id == customer, LowBalanceHold.delivery_date == day
                )
            ).one_or_none()
            if hold is not None:
                assert orders == []
                assert hold.lifted_at is None
                assert hold.available_paise == before.available_paise
                assert hold.available_paise - hold.needed_paise < hold.threshold_paise == rule
                continue
            assert orders
            # Prices are tax-inclusive (``catalog.tax``): the paneer's GST is inside its price,
            # so a day costs the wallet exactly its orders' prices. (This line once added 5 % on
            # top for the paneer, and a wallet short of exactly that tax failed the test.)
            needed = sum(o.quantity * o.unit_price_paise for o in orders)
            assert before.available_paise - needed >= rule
            for order in orders:
                short = n in plan["partial"] and order.product_id == dairy.milk.id
                bf.deliver(session, order, 1 if short else None, by=dairy.admin)

        bf.run(session, NOV, finalize=True)
        session.expire_all()
        entries = ledger.entries_of(session, customer, ZONE)
        owed = sum(e.paise for e in entries)
        wallet = session.execute(
            balance.available_before(dt.date(2026, 12, 1), 0).where(Customer.id == customer)
        ).one()
        assert wallet.available_paise == -owed
        bills = session.scalars(
            select(Invoice).where(
                Invoice.customer_id == customer,
                Invoice.status.in_([s.value for s in ISSUED_STATUSES]),
            )
        ).all()
        for bill in bills:
            stated = statement.statement_of(session, bill, ZONE)
            assert stated is not None
            assert (
                stated.previous_balance_paise
                + stated.payments_and_credits_paise
                + stated.charges_paise
                + stated.adjustments_paise
                == stated.total_due_paise
            )
            upto = next(
                i for i, e in enumerate(entries) if e.kind == "invoice" and e.invoice_id == bill.id
            )
            assert stated.total_due_paise == sum(e.paise for e in entries[: upto + 1])
        assert reconcile.reconcile(session, NOV).clean
    finally:
        savepoint.rollback()
        kept = {id(o) for o in vars(dairy).values()}
        for held in list(session.identity_map.values()):
            if id(held) not in kept:
                session.expunge(held)
