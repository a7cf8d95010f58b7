"""Reading wallets and their holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing import ledger
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.money import to_rupees
from milkrun.orders.models import LowBalanceHold
from milkrun.wallets import balance
from milkrun.wallets.schemas import HoldRead, WalletRead


def wallet(
    session: Session, customer_id: int, threshold_paise: int, zone: ZoneInfo, today: dt.date
) -> WalletRead:
    customer = customer_queries.get_customer(session, customer_id)
    tomorrow = today + dt.timedelta(days=1)
    owed = ledger.balance(session, customer_id, zone)
    available = _available(session, customer_id, tomorrow, threshold_paise)
    threshold = (
        customer.wallet_threshold_paise
        if customer.wallet_threshold_paise is not None
        else threshold_paise
    )
    return WalletRead(
        customer_id=customer_id,
        is_prepaid=customer.is_prepaid,
        threshold=to_rupees(threshold),
        threshold_is_own=customer.wallet_threshold_paise is not None,
        balance=to_rupees(available),
        ledger_balance=to_rupees(owed),
        unbilled=to_rupees(-owed - available),
        holds=[_read(hold) for hold in holds_of(session, customer_id, since=today)],
    )


def _available(session: Session, customer_id: int, day: dt.date, threshold_paise: int) -> int:
    statement = balance.available_before(day, threshold_paise, prepaid_only=False).where(
        Customer.id == customer_id
    )
    return int(session.execute(statement).one().available_paise)


def holds_of(session: Session, customer_id: int, *, since: dt.date) -> list[LowBalanceHold]:
    return list(
        session.scalars(
            select(LowBalanceHold)
            .where(LowBalanceHold.customer_id == customer_id, LowBalanceHold.delivery_date >= since)
            .order_by(LowBalanceHold.delivery_date)
        )
    )


@dataclass(frozen=True)
class HeldCustomer:
    customer_id: int
    name: str
    available_paise: int
    needed_paise: int
    threshold_paise: int


def held_on(session: Session, day: dt.date) -> list[HeldCustomer]:
    """The customers whose day ``day`` is held for a low balance (not lifted), by name."""
    rows = session.execute(
        select(
            LowBalanceHold.customer_id,
            Customer.name,
            LowBalanceHold.available_paise,
            LowBalanceHold.needed_paise,
            LowBalanceHold.threshold_paise,
        )
        .join(Customer, Customer.id == LowBalanceHold.customer_id)
        .where(LowBalanceHold.delivery_date == day, LowBalanceHold.lifted_at.is_(None))
        .order_by(Customer.name, Customer.id)
    )
    return [HeldCustomer(*row) for row in rows]


def low_on(session: Session, day: dt.date, threshold_paise: int) -> list[HeldCustomer]:
    """The customers not delivered on ``day`` for a low wallet: its holds once ``day`` is
    generated; before that, the prepaid customers whose wallet is too low for it now (they are
    held at generation unless they top up)."""
    held = held_on(session, day)
    if held or session.scalar(
        select(LowBalanceHold.id).where(LowBalanceHold.delivery_date == day).limit(1)
    ):
        return held
    low = balance.too_low(day, threshold_paise).subquery("low")
    rows = session.execute(
        select(
            low.c.customer_id,
            Customer.name,
            low.c.available_paise,
            low.c.needed_paise,
            low.c.threshold_paise,
        )
        .join(Customer, Customer.id == low.c.customer_id)
        .order_by(Customer.name, Customer.id)
    )
    return [
        HeldCustomer(
            customer_id=row.customer_id,
            name=row.name,
            available_paise=int(row.available_paise),
            needed_paise=int(row.needed_paise),
            threshold_paise=int(row.threshold_paise),
        )
        for row in rows
    ]


def _read(hold: LowBalanceHold) -> HoldRead:
    return HoldRead(
        delivery_date=hold.delivery_date,
        available=to_rupees(hold.available_paise),
        needed=to_rupees(hold.needed_paise),
        threshold=to_rupees(hold.threshold_paise),
        held_at=hold.created_at,
        lifted_at=hold.lifted_at,
    )
