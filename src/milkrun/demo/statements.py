"""The demo dairy's bank statement: last month's unpaid bills partly paid into the bank, read
from an HDFC statement as the owner would import it.

Built from the demo's own bills (their numbers and the customers' phones), in HDFC's CSV
layout, with credits that match a bill's reference, credits that carry only a phone, a few
nobody can place (a gift, a refund from a supplier, interest) and debits. Imported through
``statements.service`` as the page does; the first two proposals are confirmed (they become
payments with their UTR), the rest wait. Idempotent: the UTRs are derived from the bills, so a
second seed finds the statement imported already. ``sample-statement-hdfc.csv`` beside this
module is a hand-made file in the same layout for trying the import page.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.billing import months
from milkrun.billing.models import ISSUED_STATUSES, Invoice
from milkrun.customers.models import Customer
from milkrun.money import to_rupees
from milkrun.statements import service
from milkrun.statements.models import LineStatus, StatementImport, StatementLine

FILE_NAME = "hdfc-statement-demo.csv"
HEADER = "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"


def _row(day: dt.date, narration: str, reference: str, out: str, money_in: str) -> str:
    date = day.strftime("%d/%m/%y")
    return f'{date},{narration},{reference},{date},"{out}","{money_in}",\n'


def statement_csv(session: Session, *, today: dt.date) -> bytes:
    """The statement of the first days of this month (see the module)."""
    this_month = months.month_start(today)
    last_month = months.month_start(this_month - dt.timedelta(days=1))
    unpaid = session.execute(
        select(Invoice.id, Invoice.number, Invoice.total_paise, Customer.name, Customer.phone)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            Invoice.month == last_month,
            Invoice.status == ISSUED_STATUSES[0].value,  # finalized: nothing paid yet
            Invoice.total_paise > 0,
        )
        .order_by(Invoice.id)
        .limit(6)
    ).all()
    day = min(this_month + dt.timedelta(days=5), today)
    rows = [HEADER]
    for n, (invoice_id, number, total, name, phone) in enumerate(unpaid):
        utr = f"6{invoice_id:011d}"
        payer = name.split()[0].lower()
        if n < 3:
            narration = f"UPI-{name.upper()}-{payer}{invoice_id}@okhdfcbank-{number}"
        else:
            narration = f"IMPS-{name.upper()}-{phone[-10:]}-MILK"
        rows.append(_row(day, narration, utr, "", to_rupees(total)))
    rows.append(_row(day, "UPI-R SHARMA-rsharma77@ybl-GIFT", "611100000001", "", "500.00"))
    rows.append(
        _row(day, "NEFT-SBIN0001234-NANDINI AGRO-REFUND", "SBIN126050000001", "", "1,240.00")
    )
    rows.append(_row(day, "POS 4321 HP PETROL PUMP", "000000000000", "2,150.00", ""))
    rows.append(_row(day, "INT.PD:01-11-2026 TO 30-11-2026", "000000000000", "", "38.00"))
    return "".join(rows).encode()


def seed_statement(
    session: Session, *, today: dt.date, actor: Actor, zone: ZoneInfo, threshold_paise: int
) -> None:
    """Import the demo statement once (a second seed finds it imported and does nothing)."""
    done = session.scalar(
        select(StatementImport.id).where(StatementImport.file_name == FILE_NAME).limit(1)
    )
    if done is not None:
        return
    content = statement_csv(session, today=today)
    service.import_statement(
        session, content, file_name=FILE_NAME, mapping_name="hdfc", actor=actor
    )
    proposed = session.scalars(
        select(StatementLine.id)
        .where(StatementLine.status == LineStatus.proposed.value)
        .order_by(StatementLine.id)
        .limit(2)
    ).all()
    if proposed:
        service.confirm_lines(session, proposed, actor, zone=zone, threshold_paise=threshold_paise)
