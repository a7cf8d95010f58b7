"""Importing the old system's export (``milkrun import legacy``) at scale.

Writes a synthetic export of a dairy (``--customers`` households on 1 route per 100, each with a
daily milk subscription; every fifth also curd on weekends; October 2026's orders from those
subscriptions plus a one-time paneer order for every seventh customer, and a confirmation for
92 % of the orders: mostly delivered, some partial or missed), then imports it into a fresh
migrated database (commit included), and imports it again (nothing new). Prints documents/s,
both times, the repairs and the process's peak RSS.

    .venv/bin/python -m bench.legacy_import [--customers 2000]                   # SQLite
    .venv/bin/python -m bench.legacy_import --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import milkrun.models  # noqa: F401  (every table on the metadata)
from bench.scratch import scratch_database
from milkrun.audit.service import Actor
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.legacy import service as legacy_service
from milkrun.legacy.report import ImportReport

ZONE = ZoneInfo("Asia/Kolkata")
MONTH = [dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(31)]
TODAY = dt.date(2026, 11, 29)
ACTOR = Actor.system("bench", channel="bench")


def write_export(directory: Path, customers: int) -> int:
    """The export's files; returns how many documents they hold."""
    docs: dict[str, list[dict[str, Any]]] = {c: [] for c in ("products", "users", "routes")}
    docs["products"] = [
        {"_id": "p-1", "sku": "TM500", "name": "Toned milk", "unit": "500 ml pouch", "price": 28},
        {"_id": "p-2", "sku": "CU500", "name": "Curd", "unit": "500 g cup", "price": "35.00"},
        {"_id": "p-3", "sku": "PN200", "name": "Paneer", "unit": "200 g", "price": "90.00",
         "tax_rate": 5},
    ]  # fmt: skip
    routes = max(1, customers // 100)
    for r in range(routes):
        phone = f"90000{r:05d}"
        docs["users"].append({"_id": f"u-b{r}", "role": "delivery_boy", "name": f"Boy {r}",
                              "phone": phone})  # fmt: skip
        docs["routes"].append({"_id": f"r-{r}", "name": f"Route {r}", "area": "Bench",
                               "shift": "morning", "delivery_boy": phone})  # fmt: skip
    counts = {name: len(items) for name, items in docs.items()}
    files = {name: (directory / f"{name}.jsonl").open("w") for name in
             ("customers", "subscriptions", "orders", "deliveries")}  # fmt: skip
    try:
        order_n = delivery_n = 0
        for c in range(customers):
            phone = f"98{c:08d}"
            _line(files["customers"], {"_id": f"c-{c}", "name": f"Customer {c}", "phone": phone,
                  "address": f"{c} Bench Road", "area": "Bench", "route": f"r-{c % routes}",
                  "stop": c // routes + 1})  # fmt: skip
            _line(files["subscriptions"], {"_id": f"s-{c}", "customer": f"c-{c}",
                  "product": "TM500", "frequency": "daily", "quantity": 1 + c % 2,
                  "start_date": "2026-09-01"})  # fmt: skip
            subs = 1
            if c % 5 == 0:
                _line(files["subscriptions"], {"_id": f"s-{c}-w", "customer": f"c-{c}",
                      "product": "CU500", "frequency": "weekly",
                      "quantities": {"sat": 1, "sun": 1}, "start_date": "2026-09-01"})  # fmt: skip
                subs += 1
            for day in MONTH:
                orders = [("TM500", 1 + c % 2)]
                if c % 5 == 0 and day.weekday() >= 5:
                    orders.append(("CU500", 1))
                if c % 7 == 0 and day.day == 15:
                    orders.append(("PN200", 1))
                for sku, quantity in orders:
                    order_n += 1
                    _line(files["orders"], {"_id": f"o-{order_n}", "customer": f"c-{c}",
                          "product": sku, "date": day.isoformat(), "quantity": quantity,
                          "shift": "morning"})  # fmt: skip
                    roll = order_n % 100
                    if roll >= 92:
                        continue  # never confirmed in the old system
                    delivery_n += 1
                    doc: dict[str, Any] = {"_id": f"d-{delivery_n}", "customer": phone,
                                           "product": sku, "date": day.isoformat(),
                                           "by": f"90000{c % routes:05d}"}  # fmt: skip
                    if roll < 85 or (quantity == 1 and roll < 89):
                        doc.update(status="delivered", quantity_delivered=quantity)
                    elif roll < 89:
                        doc.update(status="partial", quantity_delivered=quantity - 1)
                    else:
                        doc.update(status="missed", reason="door locked")
                    _line(files["deliveries"], doc)
            counts["customers"] = counts.get("customers", 0) + 1
            counts["subscriptions"] = counts.get("subscriptions", 0) + subs
        counts["orders"], counts["deliveries"] = order_n, delivery_n
    finally:
        for file in files.values():
            file.close()
    for name in ("products", "users", "routes"):
        (directory / f"{name}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs[name]))
    return sum(counts.values())


def _line(file: Any, doc: dict[str, Any]) -> None:
    file.write(json.dumps(doc) + "\n")


def timed_import(database: Database, directory: Path) -> tuple[float, ImportReport]:
    start = time.perf_counter()
    with database.session_scope() as session:
        report = legacy_service.import_export(session, directory, ACTOR, zone=ZONE, today=TODAY)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL server (default: SQLite)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.database_url) as url:
        directory = Path(tmp)
        documents = write_export(directory, args.customers)
        size = sum(f.stat().st_size for f in directory.iterdir()) / 1e6
        migrate.upgrade(url)
        database = Database(url)
        try:
            first, report = timed_import(database, directory)
            again, rerun = timed_import(database, directory)
        finally:
            database.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{kind}: {args.customers} customers, {documents:,} documents ({size:.1f} MB)")
    print(f"import: {first:.2f} s ({documents / first:,.0f} documents/s); again: {again:.2f} s "
          f"(nothing new: {rerun.nothing_new})")  # fmt: skip
    repairs = report.summary()["repairs"]
    assert isinstance(repairs, dict)
    for name, count in repairs.items():
        print(f"  {name}: {count}")
    print(f"process peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
