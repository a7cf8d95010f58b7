"""A malformed export is refused before anything is written, and the error says where: the
file, the line and the field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from milkrun.legacy.documents import ALWAYS
from milkrun.legacy.errors import ExportError
from milkrun.legacy.reader import read_export
from milkrun.routing.models import Shift
from milkrun.subscriptions.schedule import Schedule

MILK = {"_id": "p1", "sku": "TM500", "name": "Toned milk", "unit": "500 ml", "price": "28.00"}
ORDER = {"_id": "o1", "customer": "c1", "product": "TM500", "date": "2026-10-01", "quantity": 1}
SUBSCRIPTION = {
    "_id": "s1", "customer": "c1", "product": "TM500", "frequency": "daily", "quantity": 1,
    "start_date": "2026-10-01",
}  # fmt: skip


def _write(directory: Path, file: str, *lines: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / file).write_text("".join(line + "\n" for line in lines))
    return directory


def _with(base: Mapping[str, object], **changes: object) -> str:
    doc = {**base, **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not None})


@pytest.mark.parametrize(
    ("file", "line", "field", "problem"),
    [
        ("orders.jsonl", '{"_id": "o1", "customer": ', None, "not JSON"),
        ("orders.jsonl", "[1, 2]", None, "a document is a JSON object"),
        ("orders.jsonl", "[" * 100_000, None, "nested too deeply"),
        ("orders.jsonl", '{"a":' * 100_000, None, "nested too deeply"),
        ("orders.jsonl", _with(ORDER, _id=None), "_id", "Field required"),
        ("orders.jsonl", _with(ORDER, _id=7), "_id", "an _id is a string"),
        ("orders.jsonl", _with(ORDER, quantity=None), "quantity", "Field required"),
        ("orders.jsonl", _with(ORDER, quantity=-2), "quantity", "greater than or equal to 1"),
        ("orders.jsonl", _with(ORDER, date="2026-10-32"), "date", "is not a date (YYYY-MM-DD)"),
        ("orders.jsonl", _with(ORDER, date=20261001), "date", "a date is a string"),
        ("orders.jsonl", _with(ORDER, date="20261001"), "date", "is not a date (YYYY-MM-DD)"),
        ("orders.jsonl", _with(ORDER, date="0001-01-01"), "date", "is out of range"),
        ("orders.jsonl", _with(ORDER, date="9999-12-31"), "date", "is out of range"),
        ("orders.jsonl", _with(ORDER, price="28.005"), "price", "decimal places"),
        ("orders.jsonl", _with(ORDER, price="-1"), "price", "greater than or equal to 0"),
        ("orders.jsonl", _with(ORDER, shift="night"), "shift", "'morning' or 'evening'"),
        ("products.jsonl", _with(MILK, price=None), "price", "a product needs a price"),
        ("products.jsonl", _with(MILK, sku="TM 500"), "sku", "should match pattern"),
        ("products.jsonl", _with(MILK, tax_rate=101), "tax_rate", "less than or equal to 100"),
        (
            "customers.jsonl",
            json.dumps({"_id": "c1", "name": "A", "phone": "12345", "address": "x", "area": "y"}),
            "phone",
            "'12345' is not a valid phone number",
        ),
        ("users.jsonl", json.dumps({"_id": "u1", "name": "A", "role": "customer"}), "phone",
         "a login needs a phone or an email"),
        ("users.jsonl", json.dumps({"_id": "u1", "name": "A", "role": "owner", "phone":
         "9845010001"}), "role", "'admin', 'delivery_boy' or 'customer'"),
        ("subscriptions.jsonl", _with(SUBSCRIPTION, frequency="hourly"), "frequency",
         "'hourly' is not daily, alternate, every_n or weekly"),
        ("subscriptions.jsonl", _with(SUBSCRIPTION, frequency="every_n"), "n", "needs n"),
        ("subscriptions.jsonl", _with(SUBSCRIPTION, frequency="weekly", quantities={"funday": 1}),
         "quantities", "'funday' is not a day of the week"),
        ("subscriptions.jsonl", _with(SUBSCRIPTION, frequency="weekly", quantities={"mon": 0}),
         "quantities", "no day has a quantity above 0"),
        ("subscriptions.jsonl", _with(SUBSCRIPTION, end_date="2026-09-30"), "end_date",
         "is before start_date"),
        ("deliveries.jsonl", json.dumps({"_id": "d1", "customer": "c1", "product": "TM500",
         "date": "2026-10-01", "status": "lost"}), "status", "'lost' is not delivered"),
        ("deliveries.jsonl", json.dumps({"_id": "d1", "customer": "c1", "product": "TM500",
         "date": "2026-10-01", "status": "partial", "quantity_delivered": -1}),
         "quantity_delivered", "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_a_malformed_document_names_file_line_and_field(
    tmp_path: Path, file: str, line: str, field: str | None, problem: str
) -> None:
    good = {
        "orders.jsonl": _with(ORDER, _id="o0"),
        "products.jsonl": _with(MILK, _id="p0", sku="X1"),
    }.get(file)
    lines = [good, "", line] if good else ["", "", line]
    directory = _write(tmp_path / "export", file, *lines)

    with pytest.raises(ExportError) as caught:
        read_export(directory)

    error = caught.value
    assert (error.file, error.line, error.field) == (file, 3, field)
    assert problem in error.problem
    assert error.detail.startswith(f"{file} line 3" + (f", field {field!r}" if field else ""))
    assert error.code == "legacy_export_invalid"


def test_the_same_id_twice_in_a_file(tmp_path: Path) -> None:
    directory = _write(tmp_path / "x", "orders.jsonl", _with(ORDER), _with(ORDER, quantity=2))
    with pytest.raises(ExportError, match=r"orders.jsonl line 2, field '_id': 'o1' is also the "
                       r"_id on line 1"):  # fmt: skip
        read_export(directory)


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    directory = tmp_path / "x"
    directory.mkdir()
    (directory / "orders.jsonl").write_bytes(_with(ORDER).encode() + b"\n\xff\xfe{}\n")
    with pytest.raises(ExportError, match=r"orders.jsonl line 2: not UTF-8 text"):
        read_export(directory)


def test_a_directory_with_no_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a directory"):
        read_export(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ExportError, match=r"holds none of products.jsonl, users.jsonl"):
        read_export(tmp_path)


def test_what_a_well_formed_export_reads_as(tmp_path: Path) -> None:
    """Blank lines, a byte order mark and fields the import does not know are fine; files that
    are no collection are listed; values come normalized."""
    directory = _write(
        tmp_path / "x",
        "products.jsonl",
        "\ufeff" + _with(MILK, sku=" tm500 ", tax_rate=5, mongo_version=3),
        "   ",
        _with(MILK, _id="p2", sku="CURD", price=None, prices=[
            {"price": 30, "from": "2026-01-01"}, {"price": "32.5", "from": "2026-10-01"}
        ]),
    )  # fmt: skip
    _write(directory, "customers.jsonl", json.dumps({
        "_id": "c1", "name": " Asha ", "phone": "098450 10001", "email": "Asha@Example.IN",
        "address": "12 MG Road", "area": "Indiranagar",
    }))  # fmt: skip
    _write(
        directory,
        "subscriptions.jsonl",
        _with(SUBSCRIPTION, frequency="Weekly", quantity=None, quantities={"Mon": 1, "sat": 2},
              shift="Evening"),
    )  # fmt: skip
    _write(directory, "sessions.jsonl", "{}")

    export = read_export(directory)

    milk, curd = (line.doc for line in export.products)
    assert (milk.sku, milk.tax_rate, milk.price_list()) == (
        "TM500",
        Decimal(5),
        [(ALWAYS, Decimal("28.00"))],
    )
    assert [line.number for line in export.products] == [1, 3]
    assert [(str(d), str(p)) for d, p in curd.price_list()] == [
        ("2026-01-01", "30"),
        ("2026-10-01", "32.5"),
    ]
    (customer,) = (line.doc for line in export.customers)
    assert (customer.name, customer.phone, customer.email) == (
        "Asha",
        "+919845010001",
        "asha@example.in",
    )
    (subscription,) = (line.doc for line in export.subscriptions)
    assert subscription.shift == Shift.evening
    assert subscription.schedule() == Schedule.weekdays({"mon": 1, "sat": 2})
    assert export.ignored == ["sessions.jsonl"]
    assert export.orders == []
