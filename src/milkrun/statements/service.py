"""Importing a statement and deciding its credits: propose, assign, confirm, ignore.

The request or job owns the transaction: these flush, never commit. A confirmed credit becomes
a payment by ``payments.service.add_payment``'s rules (method UPI or bank, the UTR as its
reference, once), the customers' invoices are settled (``billing.settlement.settle``) and each
payment is audited as a payment recorded by hand is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.audit.service import Actor
from milkrun.billing import settlement
from milkrun.customers import queries as customer_queries
from milkrun.money import to_rupees
from milkrun.payments import service as payment_service
from milkrun.payments.errors import DuplicateReference
from milkrun.payments.models import Payment, PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from milkrun.statements import queries
from milkrun.statements.errors import (
    ImportedConcurrently,
    LineAlreadyDecided,
    MappingExists,
    MissingAmountColumn,
    NothingToConfirm,
    UnknownMapping,
)
from milkrun.statements.mappings import PRESETS
from milkrun.statements.matching import match_credits
from milkrun.statements.models import (
    LineStatus,
    MatchReason,
    StatementImport,
    StatementLine,
    StatementMapping,
    UpiHandle,
)
from milkrun.statements.reading import read_statement
from milkrun.statements.schemas import ImportRead, MappingCreate
from milkrun.wallets import topups

BATCH = 500
OPEN = (LineStatus.proposed.value, LineStatus.unmatched.value, LineStatus.ignored.value)


def import_statement(
    session: Session,
    content: bytes,
    *,
    file_name: str,
    mapping_name: str,
    actor: Actor,
    dry_run: bool = False,
) -> ImportRead:
    """Read a statement, keep its new credits with their proposed customers, and say what it
    found. Rules: a credit imported before (same UTR, else same date, amount and narration) is
    not kept again; a malformed file records nothing; a dry run records nothing."""
    mapping = queries.find_mapping(session, mapping_name)
    statement = read_statement(content, mapping)
    known: set[str] = set()
    fingerprints = sorted({c.fingerprint for c in statement.credits})
    for start in range(0, len(fingerprints), BATCH):
        known.update(
            session.scalars(
                select(StatementLine.fingerprint).where(
                    StatementLine.fingerprint.in_(fingerprints[start : start + BATCH])
                )
            )
        )
    new = []
    for credit in statement.credits:  # a UTR twice in one file is one credit
        if credit.fingerprint not in known:
            known.add(credit.fingerprint)
            new.append(credit)
    matches = match_credits(session, new)
    result = ImportRead(
        id=None,
        file_name=file_name,
        mapping=mapping.name,
        dry_run=dry_run,
        rows_read=statement.rows_read,
        credits_new=len(new),
        credits_seen_before=len(statement.credits) - len(new),
        debits_skipped=statement.debits_skipped,
        proposed=sum(m.status == LineStatus.proposed for m in matches),
        unmatched=sum(m.status == LineStatus.unmatched for m in matches),
        already_recorded=sum(m.reason == MatchReason.already_recorded for m in matches),
    )
    if dry_run:
        return result

    record = StatementImport(
        file_name=file_name[:200],
        mapping_name=mapping.name,
        rows_read=result.rows_read,
        credits_new=result.credits_new,
        credits_seen_before=result.credits_seen_before,
        debits_skipped=result.debits_skipped,
        created_at=clock.now(),
        created_by_user_id=actor.user_id,
    )
    session.add(record)
    session.flush()
    rows = [
        {
            "import_id": record.id,
            "row_number": credit.row_number,
            "value_date": credit.value_date,
            "amount_paise": credit.amount_paise,
            "narration": credit.narration,
            "utr": credit.utr,
            "upi_handle": credit.upi_handle,
            "fingerprint": credit.fingerprint,
            "status": match.status.value,
            "customer_id": match.customer_id,
            "invoice_id": match.invoice_id,
            "reason": match.reason.value if match.reason else None,
            "payment_id": match.payment_id,
        }
        for credit, match in zip(new, matches, strict=True)
    ]
    try:
        with session.begin_nested():
            _insert_lines(session, rows)
    except IntegrityError as exc:
        raise ImportedConcurrently(
            "Another import recorded some of these credits a moment ago: import the file again"
        ) from exc
    result = result.model_copy(update={"id": record.id})
    audit.record(
        session,
        actor,
        "statement.import",
        "statement_import",
        record.id,
        after=result.model_dump(),
    )
    return result


# The PostgreSQL array type of each column of a statement line, for one INSERT ... unnest.
_ARRAYS = {
    "import_id": "integer[]",
    "row_number": "integer[]",
    "value_date": "date[]",
    "amount_paise": "integer[]",
    "narration": "text[]",
    "utr": "text[]",
    "upi_handle": "text[]",
    "fingerprint": "text[]",
    "status": "text[]",
    "customer_id": "integer[]",
    "invoice_id": "integer[]",
    "reason": "text[]",
    "payment_id": "integer[]",
}


def _insert_lines(session: Session, rows: list[dict[str, Any]]) -> None:
    """All the lines in one statement on PostgreSQL (columns as arrays, ``unnest``ed), one
    executemany on SQLite (render_nulls: one statement, not one per pattern of empty columns)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(StatementLine).execution_options(render_nulls=True), rows)
        return
    columns = list(_ARRAYS)
    arrays = ", ".join(f"CAST(:{c} AS {_ARRAYS[c]})" for c in columns)
    # The names and types are the constants above, never input.
    sql = f"INSERT INTO statement_lines ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608
    session.execute(
        text(sql),
        {c: [row[c] for row in rows] for c in columns},
    )


def _received_at(value_date: dt.date, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """A statement gives the day, not the time: noon of that day, never later than now."""
    return min(dt.datetime.combine(value_date, dt.time(12), tzinfo=zone).astimezone(dt.UTC), now)


def _method(line: StatementLine) -> PaymentMethod:
    if line.upi_handle or "UPI" in line.narration.upper():
        return PaymentMethod.upi
    return PaymentMethod.bank


def confirm_lines(
    session: Session,
    line_ids: Sequence[int],
    actor: Actor,
    *,
    zone: ZoneInfo,
    threshold_paise: int,
    now: dt.datetime | None = None,
) -> list[Payment]:
    """Record the chosen proposed lines as payments, one each (lines decided already are left
    as they are). Rules: the payment's reference is the line's UTR, which a payment uses once;
    the customers' invoices are settled, oldest first; a UPI handle the credit came from is
    learnt for its customer, so the next credit from it is proposed for them; for a prepaid
    customer it is a top-up (``wallets.topups.money_received``: held days not begun come back,
    against ``threshold_paise``)."""
    now = now or clock.now()
    lines = session.scalars(
        select(StatementLine)
        .where(
            StatementLine.id.in_(sorted(set(line_ids))),
            StatementLine.status == LineStatus.proposed.value,
        )
        .order_by(StatementLine.id)
        .with_for_update()
    ).all()
    if not lines:
        raise NothingToConfirm("None of the chosen lines waits for confirmation with a customer")
    payments: list[Payment] = []
    for line in lines:
        assert line.customer_id is not None  # a proposed line has its customer (a CHECK)
        data = PaymentCreate(
            customer_id=line.customer_id,
            amount=Decimal(line.amount_paise).scaleb(-2),
            method=_method(line),
            reference=line.utr,
            received_at=_received_at(line.value_date, zone, now),
        )
        try:
            payment = payment_service.add_payment(
                session, data, user_id=actor.user_id, now=now, confirm_duplicate=True
            )
        except DuplicateReference as exc:
            raise DuplicateReference(
                f"Statement row {line.row_number} ({to_rupees(line.amount_paise)}): {exc.detail}"
            ) from exc
        line.status = LineStatus.confirmed.value
        line.payment_id = payment.id
        line.decided_at = now
        line.decided_by_user_id = actor.user_id
        payments.append(payment)
    session.flush()
    paid_for = sorted({p.customer_id for p in payments})
    settlement.settle(session, paid_for)
    _learn_handles(session, lines, now)
    allocations = settlement.allocations_of_payments(session, [p.id for p in payments])
    for line, payment in zip(lines, payments, strict=True):
        audit.record(
            session,
            actor,
            "payment.record",
            "payment",
            payment.id,
            after={
                **audit.snapshot(payment),
                "statement_line_id": line.id,
                "match_reason": line.reason,
                "allocations": [
                    {"invoice_id": invoice_id, "number": number, "amount": to_rupees(amount)}
                    for invoice_id, number, amount in allocations.get(payment.id, [])
                ],
            },
            customer_id=payment.customer_id,
        )
    topups.money_received(
        session,
        paid_for,
        actor,
        threshold_paise=threshold_paise,
        today=now.astimezone(zone).date(),
    )
    return payments


def _learn_handles(session: Session, lines: Sequence[StatementLine], now: dt.datetime) -> None:
    learnt = {line.upi_handle: line.customer_id for line in lines if line.upi_handle}
    if not learnt:
        return
    known = {
        h.handle: h
        for h in session.scalars(select(UpiHandle).where(UpiHandle.handle.in_(sorted(learnt))))
    }
    for handle, customer_id in learnt.items():
        assert customer_id is not None
        if handle in known:
            known[handle].customer_id = customer_id
        else:
            session.add(UpiHandle(handle=handle, customer_id=customer_id, learnt_at=now))
    session.flush()


def _open_line(session: Session, line_id: int) -> StatementLine:
    line = queries.get_line(session, line_id)
    session.refresh(line, with_for_update=True)
    if line.status not in OPEN:
        raise LineAlreadyDecided(
            f"Statement line {line_id} was {line.status} already (payment {line.payment_id})"
        )
    return line


def assign_line(
    session: Session,
    line_id: int,
    customer_id: int,
    actor: Actor,
    *,
    confirm: bool = False,
    zone: ZoneInfo,
    threshold_paise: int,
) -> StatementLine:
    """The owner names the customer of a line (unmatched, proposed for someone else, or
    ignored); with ``confirm`` it becomes their payment at once."""
    line = _open_line(session, line_id)
    customer_queries.get_customer(session, customer_id)
    before = audit.snapshot(line)
    line.customer_id = customer_id
    line.status = LineStatus.proposed.value
    line.reason = MatchReason.chosen.value
    line.invoice_id = None
    line.decided_at = clock.now()
    line.decided_by_user_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "statement_line.assign",
        "statement_line",
        line.id,
        before=before,
        after=audit.snapshot(line),
        customer_id=customer_id,
    )
    if confirm:
        confirm_lines(session, [line.id], actor, zone=zone, threshold_paise=threshold_paise)
    return line


def ignore_line(session: Session, line_id: int, actor: Actor) -> StatementLine:
    """Set a credit aside: not a customer's money (a refund, interest, an own transfer)."""
    line = _open_line(session, line_id)
    before = audit.snapshot(line)
    line.status = LineStatus.ignored.value
    line.decided_at = clock.now()
    line.decided_by_user_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "statement_line.ignore",
        "statement_line",
        line.id,
        before=before,
        after=audit.snapshot(line),
    )
    return line


def save_mapping(session: Session, data: MappingCreate, actor: Actor) -> StatementMapping:
    """Keep a column layout under a name (not a preset's, not one saved already)."""
    if data.name.lower() in PRESETS or queries.saved_mapping(session, data.name) is not None:
        raise MappingExists(f"A mapping named {data.name!r} exists already: choose another name")
    if data.credit is None and data.amount is None:
        raise MissingAmountColumn(
            "Name the column of the money received (credit) or of the amount (with Cr/Dr)"
        )
    row = StatementMapping(
        name=data.name,
        date_column=data.date,
        narration_column=data.narration,
        reference_column=data.reference,
        credit_column=data.credit,
        debit_column=data.debit,
        amount_column=data.amount,
        type_column=data.type,
        payer_column=data.payer,
        created_at=clock.now(),
        created_by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "statement_mapping.create",
        "statement_mapping",
        row.id,
        after=audit.snapshot(row),
    )
    return row


def mapping_to_use(session: Session, name: str | None) -> str:
    """The mapping named, else the one of the last import (chosen once, it is kept)."""
    if name and name.strip():
        return name.strip()
    last = queries.last_mapping_name(session)
    if last is None:
        raise UnknownMapping(
            "Choose the statement's mapping (the first import needs one): "
            + ", ".join(queries.all_mapping_names(session))
        )
    return last
