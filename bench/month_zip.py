"""The month's ZIP of PDF bills (/admin/billing/pdfs.zip): the most memory it holds while built
and sent, as it was (deflated into a BytesIO, then copied into the response body) and as it is
(``web.routes.admin_billing.zip_of``: a spooled temporary file, in memory up to 8 MiB, then read
out in 64 KiB chunks). One real bill's PDF stands for each of ``--bills`` bills (each member is
deflated on its own, so the archive is the size of a month's); no database.

    .venv/bin/python -m bench.month_zip --bills 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import tracemalloc
import zipfile
from collections.abc import Callable

from milkrun.billing import pdf
from milkrun.billing.bill import Bill, BillLine, CardRow
from milkrun.web.routes.admin_billing import chunks_of, zip_of


def one_bill() -> bytes:
    return pdf.render(
        Bill(
            business_name="Nandini Fresh Dairy",
            business_address="14 Dairy Circle, Hosur Road, Bengaluru 560029",
            business_gstin="29ABCDE1234F1Z5",
            customer_id=14,
            customer_name="Asha Iyer",
            customer_address="12 MG Road, Indiranagar",
            month=dt.date(2026, 11, 1),
            status="finalized",
            number="MR/2627/000123",
            issue_date=dt.date(2026, 12, 1),
            due_date=dt.date(2026, 12, 11),
            subtotal_paise=168000,
            tax_paise=0,
            total_paise=168000,
            amount_paid_paise=0,
            balance_due_paise=168000,
            card=[CardRow("Toned milk", dict.fromkeys(range(1, 31), 2))],
            lines=[BillLine("Toned milk · 500 ml pouch", 60, 2800, 168000, 0, 0)],
        )
    )


def in_memory(members: list[tuple[str, bytes]]) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    body = buffer.getvalue()  # the Response's content
    return len(body)


def spooled(members: list[tuple[str, bytes]]) -> int:
    return sum(len(chunk) for chunk in chunks_of(zip_of(iter(members))))


def peak(build: Callable[[list[tuple[str, bytes]]], int], members: list[tuple[str, bytes]]) -> str:
    tracemalloc.start()
    size = build(members)
    _, most = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return f"{build.__name__}: archive {size / 2**20:.1f} MiB, peak {most / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bills", type=int, default=10_000)
    args = parser.parse_args()
    document = one_bill()
    members = [(f"MR-2627-{n:06d}.pdf", document) for n in range(1, args.bills + 1)]
    print(f"{args.bills} bills of {len(document):,} B each")
    for build in (in_memory, spooled):
        print(peak(build, members))


if __name__ == "__main__":
    main()
