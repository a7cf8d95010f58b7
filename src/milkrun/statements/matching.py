"""Matching statement credits to customers and bills, for a whole statement at once: a handful
of queries whatever the number of lines (never a query per line).

Rules, strongest first: a credit whose reference (UTR) is already a payment's is that payment
(recorded before, by hand or by another statement); a bill's reference in the narration (its
number, or the UPI ``tr`` reference the bill's pay link carries, ``MR2627000123``) is that
bill's customer; a UPI handle (VPA) the customer paid from before, or the customer's phone in
the narration, is that customer; an amount equal to exactly one customer's dues is that
customer. Anything else is unmatched and waits for the owner.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.billing import dues
from milkrun.billing.models import ISSUED_STATUSES, Invoice
from milkrun.billing.upi import reference_of
from milkrun.customers.models import Customer
from milkrun.payments.models import Payment
from milkrun.statements.models import LineStatus, MatchReason, UpiHandle
from milkrun.statements.reading import Credit

BATCH = 500
# Bills this many months older than the statement's first line are not looked for.
BILL_MONTHS_BACK = 24
_WORDS = re.compile(r"[A-Z0-9]+")
_PHONE = re.compile(r"(?<![0-9])(?:91)?([6-9][0-9]{9})(?![0-9])")


@dataclass(frozen=True)
class Match:
    status: LineStatus
    reason: MatchReason | None = None
    customer_id: int | None = None
    invoice_id: int | None = None
    payment_id: int | None = None


UNMATCHED = Match(LineStatus.unmatched)


def _batches(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _candidates(narration: str) -> set[str]:
    """The words of a narration, and runs of two or three of them joined (``MR/2627/000123``
    is read as ``MR2627000123``)."""
    words = _WORDS.findall(narration.upper())
    found = set(words)
    for size in (2, 3):
        found.update("".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return found


def _unique(pairs: Iterable[tuple[str | int, int]]) -> dict[str | int, int]:
    """Keys that name exactly one customer."""
    owners: dict[str | int, set[int]] = defaultdict(set)
    for key, customer_id in pairs:
        owners[key].add(customer_id)
    return {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def match_credits(session: Session, credits: list[Credit]) -> list[Match]:
    """One match per credit, in order (see the module's rules)."""
    if not credits:
        return []
    recorded: dict[str, tuple[int, int]] = {}
    for batch in _batches(c.utr for c in credits if c.utr):
        for payment_id, customer_id, reference in session.execute(
            select(Payment.id, Payment.customer_id, Payment.reference).where(
                Payment.reference.in_(batch)
            )
        ):
            recorded[str(reference).upper()] = (payment_id, customer_id)

    first = min(c.value_date for c in credits)
    bills: dict[str, tuple[int, int]] = {}
    for invoice_id, customer_id, number in session.execute(
        select(Invoice.id, Invoice.customer_id, Invoice.number).where(
            Invoice.status.in_([s.value for s in ISSUED_STATUSES]),
            Invoice.month >= _months_back(first, BILL_MONTHS_BACK),
        )
    ):
        bills[reference_of(str(number)).upper()] = (invoice_id, customer_id)

    handles: dict[str, int] = {}
    for batch in _batches(c.upi_handle for c in credits if c.upi_handle):
        for handle, customer_id in session.execute(
            select(UpiHandle.handle, UpiHandle.customer_id).where(UpiHandle.handle.in_(batch))
        ):
            handles[handle] = customer_id

    phones = _unique(
        (phone[-10:], customer_id)
        for customer_id, phone in session.execute(
            select(Customer.id, Customer.phone).where(Customer.is_active)
        )
    )
    owing = _unique(
        (paise, customer_id) for customer_id, paise in dues.owing_balances(session).items()
    )

    matches = []
    for credit in credits:
        paid = recorded.get(credit.utr.upper()) if credit.utr else None
        if paid is not None:
            matches.append(
                Match(
                    LineStatus.confirmed,
                    MatchReason.already_recorded,
                    customer_id=paid[1],
                    payment_id=paid[0],
                )
            )
            continue
        bill = next((bills[w] for w in _candidates(credit.narration) if w in bills), None)
        if bill is not None:
            matches.append(
                Match(
                    LineStatus.proposed,
                    MatchReason.bill_reference,
                    customer_id=bill[1],
                    invoice_id=bill[0],
                )
            )
            continue
        if credit.upi_handle and credit.upi_handle in handles:
            matches.append(
                Match(
                    LineStatus.proposed,
                    MatchReason.upi_handle,
                    customer_id=handles[credit.upi_handle],
                )
            )
            continue
        phone = next(
            (
                phones[number]
                for number in _PHONE.findall(credit.narration)
                if number in phones and number != credit.utr
            ),
            None,
        )
        if phone is not None:
            matches.append(Match(LineStatus.proposed, MatchReason.phone, customer_id=phone))
            continue
        if credit.amount_paise in owing:
            matches.append(
                Match(
                    LineStatus.proposed,
                    MatchReason.amount_due,
                    customer_id=owing[credit.amount_paise],
                )
            )
            continue
        matches.append(UNMATCHED)
    return matches
