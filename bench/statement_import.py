"""Importing a 10,000-row bank statement with matching (issue 13, point 3).

Builds a dairy of N customers (default 5,000), each with an issued November bill of a distinct
amount, and 1,000 learnt UPI handles; then a statement CSV in HDFC's layout with R credits
(default 10,000) and a debit every tenth row: a third carry a bill number, a sixth a customer's
phone, a tenth a learnt UPI handle, a tenth exactly a customer's dues, the rest nothing
known. It times ``statements.service.import_statement`` (read, fingerprint, match, insert the
lines, audit) in a transaction rolled back after each run, and prints the median, the
breakdown of the last run and the machine's load average.

    .venv/bin/python -m bench.statement_import                        # SQLite, a temporary file
    .venv/bin/python -m bench.statement_import --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.scratch import scratch_database
from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.statements import service
from milkrun.statements.models import UpiHandle

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
ACTOR = Actor.system("bench", channel="cli")
HEADER = "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"


def phone(i: int) -> str:
    return f"+9198{i:08d}"


def due(i: int) -> int:
    return 50_000 + i * 100  # every customer's bill a different amount


def build(session: Session, customers: int) -> None:
    session.add(Product(sku="TM500", name="Toned milk", unit="500 ml pouch", tax_rate_bps=0))
    session.flush()
    product_id = session.scalar(select(Product.id))
    session.execute(
        insert(Customer),
        [
            {
                "name": f"Customer {i}",
                "phone": phone(i),
                "address": f"{i} MG Road",
                "area": "Indiranagar",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(1, customers + 1)
        ],
    )
    ids = dict(session.execute(select(Customer.phone, Customer.id)).all())
    session.execute(
        insert(Invoice),
        [
            {
                "customer_id": ids[phone(i)],
                "month": dt.date(2026, 11, 1),
                "status": "draft",
                "customer_name": f"Customer {i}",
                "customer_address": "MG Road",
                "subtotal_paise": due(i),
                "tax_paise": 0,
                "total_paise": due(i),
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(1, customers + 1)
        ],
    )
    invoices = dict(session.execute(select(Invoice.customer_id, Invoice.id)).all())
    session.execute(
        insert(InvoiceLine),
        [
            {
                "invoice_id": invoices[ids[phone(i)]],
                "product_id": product_id,
                "description": "Toned milk",
                "quantity": 1,
                "unit_price_paise": due(i),
                "amount_paise": due(i),
                "tax_rate_bps": 0,
                "tax_paise": 0,
            }
            for i in range(1, customers + 1)
        ],
    )
    session.execute(
        update(Invoice),
        [
            {
                "id": invoices[ids[phone(i)]],
                "status": "finalized",
                "series": "MR/2627",
                "sequence": i,
                "number": f"MR/2627/{i:06d}",
                "issue_date": dt.date(2026, 12, 1),
                "due_date": dt.date(2026, 12, 10),
                "finalized_at": NOW,
                "is_prepaid": False,
            }
            for i in range(1, customers + 1)
        ],
    )
    session.execute(
        insert(UpiHandle),
        [
            {"handle": f"payer{i}@okaxis", "customer_id": ids[phone(i)], "learnt_at": NOW}
            for i in range(1, min(customers, 1000) + 1)
        ],
    )


def statement(rows: int, customers: int) -> bytes:
    out = [HEADER]
    for n in range(1, rows + 1):
        i = n % customers + 1
        kind = n % 30
        if kind < 10:
            narration = f"UPI-CUSTOMER {i}-someone{n}@ybl-MR2627{i:06d}"
        elif kind < 15:
            narration = f"IMPS-CUSTOMER {i}-98{i:08d}-MILK"
        elif kind < 18:
            narration = f"UPI-CUSTOMER-payer{n % 1000 + 1}@okaxis-PAYMENT"
        elif kind < 21:
            narration = "NEFT-SOMEONE-MILK DUES"
        else:
            narration = f"UPI-STRANGER {n}-x{n}@ybl-GIFT"
        amount = due(i) if 18 <= kind < 21 else 10_000 + n
        out.append(f"07/12/26,{narration},{700000000000 + n},07/12/26,,{amount / 100:.2f},0\n")
        if n % 10 == 0:
            out.append(f"07/12/26,POS PURCHASE {n},0,07/12/26,250.00,,0\n")
    return "".join(out).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock.freeze(NOW)
    content = statement(args.rows, args.customers)
    with scratch_database(args.database_url) as url:
        migrate.upgrade(url)
        database = Database(url)
        with database.session_scope() as session:
            build(session, args.customers)
        if not database.is_sqlite:
            with database.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
        seconds = []
        result = None
        for _ in range(args.repeat):
            session = database.writer()
            try:
                started = time.perf_counter()
                result = service.import_statement(
                    session, content, file_name="bench.csv", mapping_name="hdfc", actor=ACTOR
                )
                session.flush()
                seconds.append(time.perf_counter() - started)
            finally:
                session.rollback()
                session.close()
        database.dispose()
    assert result is not None
    kind = "PostgreSQL" if args.database_url and "postgres" in args.database_url else "SQLite"
    print(
        f"{kind}: {args.rows:,} credits ({len(content) / 1e6:.1f} MB), {args.customers:,} "
        f"customers: median {statistics.median(seconds):.2f} s over {len(seconds)} runs "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}); "
        f"{args.rows / statistics.median(seconds):,.0f} credits/s"
    )
    print(
        f"  last run: {result.rows_read:,} rows, {result.credits_new:,} credits, "
        f"{result.proposed:,} proposed, {result.unmatched:,} unmatched, "
        f"{result.debits_skipped:,} debits skipped"
    )
    print(f"  load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
