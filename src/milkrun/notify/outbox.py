"""Writing messages: one INSERT in the caller's transaction, and the causes that write them.

Each business change that owes a message calls one function here, after its own writes, in its
own transaction: if the change is rolled back, so is its message; if it commits, the message is
there for the relay. Nothing here reads: the channel, the address and the language are chosen by
the relay when it sends. Parameters are plain values (notify imports none of the domains that
call it); money goes in as paise and dates as dates, written the way a message shows them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any, Protocol, cast

from sqlalchemy import JSON, ColumnElement, Select, String, Table, func, insert, literal, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.money import rupees_in_sql, to_rupees
from milkrun.notify.errors import UnknownTemplate
from milkrun.notify.models import MessageStatus, OutboxMessage
from milkrun.notify.templates import REGISTRY

MESSAGES = cast(Table, OutboxMessage.__table__)
_APPEND = insert(MESSAGES)


def shown(day: dt.date) -> str:
    """A date as the message shows it, the same in every language: 07-12-2026."""
    return f"{day:%d-%m-%Y}"


def month_shown(month: dt.date) -> str:
    """A month as the message shows it: 11-2026."""
    return f"{month:%m-%Y}"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def shown_in_sql(session: Session, day: Any) -> ColumnElement[str]:
    """``shown`` in SQL (NULL for NULL)."""
    if _dialect(session) == "postgresql":
        return func.to_char(day, "DD-MM-YYYY")
    return func.strftime("%d-%m-%Y", day)


def month_shown_in_sql(session: Session, month: Any) -> ColumnElement[str]:
    """``month_shown`` in SQL."""
    if _dialect(session) == "postgresql":
        return func.to_char(month, "MM-YYYY")
    return func.strftime("%m-%Y", month)


def _idempotency_key_in_sql(session: Session) -> ColumnElement[str]:
    """A random (version 4) UUID per row, as ``str(uuid.uuid4())`` writes it."""
    if _dialect(session) == "postgresql":
        return func.gen_random_uuid().cast(String)

    def hex_of(n: int) -> ColumnElement[str]:
        return func.lower(func.hex(func.randomblob(n)))

    variant = func.substr("89ab", 1 + func.abs(func.random()) % 4, 1)
    return (
        hex_of(4)
        + literal("-")
        + hex_of(2)
        + literal("-4")
        + func.substr(hex_of(2), 2)
        + literal("-")
        + variant
        + func.substr(hex_of(2), 2)
        + literal("-")
        + hex_of(6)
    )


def _row(
    template: str,
    params: dict[str, Any],
    *,
    customer_id: int | None,
    recipient: str | None,
    entity: tuple[str, int | None] | None,
    dedup_key: str | None,
    now: dt.datetime,
) -> dict[str, Any]:
    if customer_id is None and recipient is None:
        raise ValueError("a message goes to a customer or to a recipient's address")
    return {
        "idempotency_key": str(uuid.uuid4()),
        "dedup_key": dedup_key,
        "customer_id": customer_id,
        "recipient": recipient,
        "params": params,
        "entity_type": entity[0] if entity else None,
        "entity_id": entity[1] if entity else None,
        **_fixed(template, now),
    }


def _fixed(template: str, now: dt.datetime) -> dict[str, Any]:
    """The columns of a new message that its template and the time decide: due now, pending."""
    found = REGISTRY.get(template)
    if found is None:
        raise UnknownTemplate(f"There is no message template {template!r}")
    return {
        "template": template,
        "is_urgent": found.is_urgent,
        "status": MessageStatus.pending.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(
    session: Session,
    template: str,
    params: dict[str, Any],
    *,
    customer_id: int | None = None,
    recipient: str | None = None,
    entity: tuple[str, int | None] | None = None,
    dedup_key: str | None = None,
) -> str:
    """Write one message for the relay, due now; returns its idempotency key."""
    row = _row(
        template,
        params,
        customer_id=customer_id,
        recipient=recipient,
        entity=entity,
        dedup_key=dedup_key,
        now=clock.now(),
    )
    session.execute(_APPEND, row)
    return str(row["idempotency_key"])


# --- the causes: one call each from the service that makes the change ------------------------


class IssuedBill(Protocol):
    @property
    def invoice_id(self) -> int: ...
    @property
    def customer_id(self) -> int: ...
    @property
    def number(self) -> str | None: ...
    @property
    def month(self) -> dt.date: ...
    @property
    def total_paise(self) -> int: ...
    @property
    def due_date(self) -> dt.date | None: ...


def bill_finalized_params(bill: IssuedBill) -> dict[str, Any]:
    """What a ``bill_finalized`` message says of its bill; ``bill_finalized_params_in_sql`` is
    the same in SQL (a test pins that the two agree on both databases)."""
    return {
        "number": bill.number or "",
        "month": month_shown(bill.month),
        "amount": to_rupees(bill.total_paise),
        "due_date": shown(bill.due_date) if bill.due_date else "",
    }


def bill_finalized_params_in_sql(session: Session, bills: Any) -> ColumnElement[Any]:
    """``bill_finalized_params`` of the rows of ``bills`` (a subquery with the columns of
    ``IssuedBill``), as a JSON object built by the database."""
    postgres = _dialect(session) == "postgresql"
    pairs = {
        "number": func.coalesce(bills.c.number, ""),
        "month": month_shown_in_sql(session, bills.c.month),
        "amount": rupees_in_sql(bills.c.total_paise),
        "due_date": func.coalesce(shown_in_sql(session, bills.c.due_date), ""),
    }
    build = func.json_build_object if postgres else func.json_object
    arguments = [part for key, value in pairs.items() for part in (literal(key), value)]
    return build(*arguments, type_=JSON)


def bills_finalized(session: Session, bills: Select[*tuple[Any, ...]]) -> None:
    """The bills of a finalize (one, or a whole month's): one message each, written by one
    INSERT ... SELECT from ``bills`` (columns named as ``IssuedBill``'s), nothing read into
    Python."""
    found = bills.subquery("bills")
    fixed = _fixed("bill_finalized", clock.now())
    columns: dict[str, Any] = {
        "idempotency_key": _idempotency_key_in_sql(session),
        "customer_id": found.c.customer_id,
        "params": bill_finalized_params_in_sql(session, found),
        "entity_type": literal("invoice"),
        "entity_id": found.c.invoice_id,
        **{name: literal(value, MESSAGES.c[name].type) for name, value in fixed.items()},
    }
    session.execute(insert(MESSAGES).from_select(list(columns), select(*columns.values())))


def payment_recorded(
    session: Session,
    *,
    payment_id: int,
    customer_id: int,
    amount_paise: int,
    method: str,
    received_at: dt.datetime,
) -> None:
    params = {
        "amount": to_rupees(amount_paise),
        "method": method.upper(),
        "received_on": received_at.isoformat(),
    }
    entity = ("payment", payment_id)
    enqueue(session, "payment_received", params, customer_id=customer_id, entity=entity)


class ConfirmedChange(Protocol):
    """A change's audit event (``subscriptions.bookkeeping.Event``), as notify reads it."""

    @property
    def action(self) -> str: ...
    @property
    def entity_id(self) -> int: ...
    @property
    def customer_id(self) -> int: ...
    @property
    def before(self) -> dict[str, Any] | None: ...
    @property
    def after(self) -> dict[str, Any] | None: ...


def change_confirmed(session: Session, change: ConfirmedChange) -> None:
    """A pause or a day change (made by the customer, or by an admin for them), confirmed:
    ``pause.create``/``update``/``delete``, ``override.set``/``clear``. Other changes (a
    subscription's terms) send nothing."""
    kind = change.action.partition(".")[0]
    state = change.after if change.after is not None else change.before
    if state is None or kind not in ("pause", "override"):
        return
    send = partial(
        enqueue, session, customer_id=change.customer_id, entity=(kind, change.entity_id)
    )
    if change.action == "pause.delete":
        send("pause_ended", {"start_date": shown(_day(state["start_date"]))})
    elif kind == "pause" and state.get("end_date"):
        start, end = _day(state["start_date"]), _day(state["end_date"])
        send("pause_confirmed", {"start_date": shown(start), "end_date": shown(end)})
    elif kind == "pause":
        send("pause_open_confirmed", {"start_date": shown(_day(state["start_date"]))})
    elif change.action == "override.clear":
        send("day_restored", {"delivery_date": shown(_day(state["delivery_date"]))})
    else:
        day = shown(_day(state["delivery_date"]))
        send("day_changed", {"delivery_date": day, "quantity": str(state["quantity"])})


class MarkedOrder(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def customer_id(self) -> int: ...
    @property
    def delivery_date(self) -> dt.date: ...


def delivery_marked(session: Session, order: MarkedOrder, status: str, reason: str | None) -> None:
    """An order marked not delivered: the customer hears why (any other mark sends nothing)."""
    if status != "not_delivered":
        return
    params = {"delivery_date": shown(order.delivery_date), "reason": reason or "other"}
    enqueue(
        session, "not_delivered", params, customer_id=order.customer_id, entity=("order", order.id)
    )


class SharedLink(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def delivery_date(self) -> dt.date: ...


def delivery_link_shared(session: Session, link: SharedLink, phone: str | None, url: str) -> None:
    """A shared delivery link sent to a substitute's phone, when the admin gave one. The URL
    (it carries the token) is kept only until the message is sent or given up
    (``Template.secret_parameters``)."""
    if phone is None:
        return
    params = {"label": link.label, "delivery_date": shown(link.delivery_date), "url": url}
    entity = ("shared_delivery_link", link.id)
    enqueue(session, "delivery_link", params, recipient=phone, entity=entity)


def low_balance(
    session: Session, *, customer_id: int, balance_paise: int, threshold_paise: int
) -> None:
    """For prepaid wallets: the balance fell below the threshold that stops deliveries."""
    params = {"balance": to_rupees(balance_paise), "threshold": to_rupees(threshold_paise)}
    enqueue(
        session, "low_balance", params, customer_id=customer_id, entity=("customer", customer_id)
    )


class LowWallet(Protocol):
    @property
    def customer_id(self) -> int: ...
    @property
    def available_paise(self) -> int: ...
    @property
    def threshold_paise(self) -> int: ...


def low_balances(session: Session, wallets: Iterable[LowWallet], day: dt.date) -> None:
    """For prepaid wallets held on ``day``: one ``low_balance`` message each, in one
    executemany (once per customer and day: a hold put back after a lift says nothing new)."""
    now = clock.now()
    rows = [
        _row(
            "low_balance",
            {
                "balance": to_rupees(int(wallet.available_paise)),
                "threshold": to_rupees(int(wallet.threshold_paise)),
            },
            customer_id=wallet.customer_id,
            recipient=None,
            entity=("customer", wallet.customer_id),
            dedup_key=f"low_balance:{wallet.customer_id}:{day.isoformat()}",
            now=now,
        )
        for wallet in wallets
    ]
    if rows:
        done = set(
            session.scalars(
                select(MESSAGES.c.dedup_key).where(
                    MESSAGES.c.dedup_key.in_([row["dedup_key"] for row in rows])
                )
            )
        )
        rows = [row for row in rows if row["dedup_key"] not in done]
    if rows:
        session.execute(_APPEND, rows)


def holiday_declared(
    session: Session, *, holiday_id: int, day: dt.date, reason: str, customer_ids: Iterable[int]
) -> int:
    """A holiday: each customer who would have had a delivery that day hears there is none, in
    one executemany. Returns how many messages were written."""
    now = clock.now()
    params = {"delivery_date": shown(day), "reason": reason}
    rows = [
        _row(
            "holiday",
            params,
            customer_id=customer_id,
            recipient=None,
            entity=("holiday", holiday_id),
            dedup_key=f"holiday:{holiday_id}:{customer_id}",
            now=now,
        )
        for customer_id in sorted(set(customer_ids))
    ]
    if rows:
        session.execute(_APPEND, rows)
    return len(rows)


class OverdueBill(Protocol):
    @property
    def invoice_id(self) -> int: ...
    @property
    def customer_id(self) -> int: ...
    @property
    def number(self) -> str | None: ...
    @property
    def outstanding_paise(self) -> int: ...
    @property
    def due_date(self) -> dt.date | None: ...


def dues_reminders(session: Session, bills: Iterable[OverdueBill]) -> int:
    """One reminder per overdue bill, ever: a bill already reminded is left out (the job may
    run every day). Returns how many reminders were written."""
    wanted = {f"dues_reminder:{bill.invoice_id}": bill for bill in bills}
    if not wanted:
        return 0
    done = set(
        session.scalars(select(MESSAGES.c.dedup_key).where(MESSAGES.c.dedup_key.in_(wanted)))
    )
    now = clock.now()
    rows = [
        _row(
            "dues_reminder",
            {
                "number": bill.number or "",
                "amount": to_rupees(bill.outstanding_paise),
                "due_date": shown(bill.due_date) if bill.due_date else "",
            },
            customer_id=bill.customer_id,
            recipient=None,
            entity=("invoice", bill.invoice_id),
            dedup_key=key,
            now=now,
        )
        for key, bill in wanted.items()
        if key not in done
    ]
    if rows:
        session.execute(_APPEND, rows)
    return len(rows)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
