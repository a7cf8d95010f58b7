"""Reading a statement file (CSV, as banks and UPI apps export it) with a mapping.

Rules: the header is the first row (of the first 30) that names the mapping's date and narration
columns; rows before it (the account holder, the period) are skipped, as are blank rows and
rows with no date (separators, footers) or no money (the opening balance); a line of stars in
the date column ends the statement (HDFC writes its summary below one). Dates are day first,
as Indian banks write them ("07/12/2026", "07-12-26", "7 Dec 2026", "07-Dec-2026", with or
without a time); amounts may carry Indian grouping ("1,23,456.00"), "₹"/"INR", and "Cr"/"Dr".
A credit is a line with money in; debits are counted and skipped. Anything else is malformed:
one message naming the row (as a spreadsheet numbers it) and the column, and nothing is recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from milkrun.statements.errors import MalformedStatement
from milkrun.statements.mappings import Mapping

HEADER_SEARCH_ROWS = 30
MAX_NARRATION = 500
MAX_REFERENCE = 80
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME)
_NAMED_DATE = re.compile(r"(\d{1,2})[ \-]([A-Za-z]{3,9})[ \-,]+(\d{4}|\d{2})" + _TIME)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?")
_CURRENCY = re.compile(r"₹|INR|Rs\.?|\s", re.IGNORECASE)
_SIDE = re.compile(r"(CR|DR|C|D)\.?$", re.IGNORECASE)
_CREDIT_WORDS = {"CR", "C", "CREDIT", "CREDITED", "RECEIVED", "IN"}
_DEBIT_WORDS = {"DR", "D", "DEBIT", "DEBITED", "PAID", "SENT", "OUT"}
_NO_DATE = re.compile(r"[\s*\-_=.]*")
# A UPI or IMPS transaction's reference number (RRN) is 12 digits; a NEFT/RTGS UTR starts with
# the bank's four letters.
_RRN = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_NEFT_UTR = re.compile(r"\b[A-Z]{4}[0-9A-Z][0-9]{6,17}\b")
_NO_REFERENCE = {"", "0", "-", "NA", "N/A"}
# A UPI ID (VPA): a narration separates its parts with hyphens, so a hyphen ends the handle.
UPI_HANDLE = re.compile(r"[a-z0-9][a-z0-9._]{1,255}@[a-z][a-z0-9]{1,63}", re.IGNORECASE)


@dataclass(frozen=True)
class Credit:
    """One line of money in."""

    row_number: int
    value_date: dt.date
    amount_paise: int
    narration: str
    utr: str | None
    upi_handle: str | None
    fingerprint: str


@dataclass(frozen=True)
class Statement:
    credits: list[Credit]
    rows_read: int
    debits_skipped: int


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def decode(content: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252, as older
    net-banking exports are. A spreadsheet is refused with what to do instead."""
    if not content.strip():
        raise MalformedStatement("The file is empty: choose the statement file (CSV) to import")
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise MalformedStatement(
            "This is a spreadsheet (Excel) file, not CSV: open it and save it as CSV first"
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date | None:
    """A day-first date as Indian banks write it, or None (a statement repeats its dates, so
    they are remembered)."""
    value = " ".join(text.split())
    year = month = day = 0
    if found := _NUMERIC_DATE.fullmatch(value):
        day, month, year = int(found[1]), int(found[2]), int(found[3])
    elif found := _NAMED_DATE.fullmatch(value):
        day, month, year = int(found[1]), MONTHS.get(found[2].lower(), 0), int(found[3])
    elif found := _ISO_DATE.fullmatch(value):
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    else:
        return None
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_amount(text: str) -> tuple[int, str | None] | None:
    """Paise and the side written beside the number (``"CR"``/``"DR"``), or None when the cell
    is no amount. ``"1,23,456.00 Cr"`` -> ``(12345600, "CR")``; ``"(50.00)"`` -> ``(-5000, None)``.
    """
    value = _CURRENCY.sub("", text).replace(",", "")
    side = None
    found = _SIDE.search(value)
    if found and found.start() > 0:
        side = "CR" if found.group(1).upper().startswith("C") else "DR"
        value = value[: found.start()]
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.startswith("-"):
        negative, value = True, value[1:]
    elif value.startswith("+"):
        value = value[1:]
    if not _AMOUNT.fullmatch(value):
        return None
    try:
        paise = int(Decimal(value) * 100)
    except InvalidOperation:
        return None
    return (-paise if negative else paise), side


def reference_in(narration: str) -> str | None:
    """A UTR found in the narration, for layouts that keep it there (UPI/IMPS: 12 digits)."""
    found = _RRN.search(narration) or _NEFT_UTR.search(narration.upper())
    return found.group(0) if found else None


def _fingerprint(
    value_date: dt.date, paise: int, narration: str, utr: str | None, seen: int
) -> str:
    """What makes a credit the same credit in another import of the statement: its UTR; without
    one, its date, amount, narration and how many identical lines came before it in the file."""
    key = (
        f"utr:{utr.upper()}"
        if utr
        else f"line:{value_date.isoformat()}|{paise}|{' '.join(narration.upper().split())}|{seen}"
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise MalformedStatement(f"Row {reader.line_num}: not valid CSV ({exc})") from exc


def read_statement(content: bytes, mapping: Mapping) -> Statement:
    """The credits of a statement file (see the module's rules)."""
    rows = _rows(decode(content))
    wanted = mapping.columns()
    positions: dict[str, int] = {}
    for line_number, row in rows:
        keys = [_key(cell) for cell in row]
        if _key(mapping.date) in keys and _key(mapping.narration) in keys:
            missing = [name for name in wanted.values() if _key(name) not in keys]
            if missing:
                raise MalformedStatement(
                    f"Row {line_number} (the header): no column {missing[0]!r} for the "
                    f"{mapping.name!r} mapping; the columns are "
                    + ", ".join(repr(c.strip()) for c in row if c.strip())
                )
            positions = {fact: keys.index(_key(name)) for fact, name in wanted.items()}
            break
        if line_number >= HEADER_SEARCH_ROWS:
            break
    if not positions:
        raise MalformedStatement(
            f"No header row naming the columns {mapping.date!r} and {mapping.narration!r} in "
            f"the first {HEADER_SEARCH_ROWS} rows: is this a statement in the "
            f"{mapping.name!r} layout?"
        )

    credits: list[Credit] = []
    seen: Counter[tuple[dt.date, int, str]] = Counter()
    rows_read = debits = 0
    for line_number, row in rows:
        if not any(cell.strip() for cell in row):
            continue

        def cell(fact: str, row: list[str] = row) -> str:
            index = positions.get(fact)
            return row[index].strip() if index is not None and index < len(row) else ""

        date_text = cell("date")
        if date_text and set(date_text) == {"*"}:
            break  # HDFC's line of stars: the summary of the statement follows
        if _NO_DATE.fullmatch(date_text):
            continue
        rows_read += 1
        value_date = parse_date(date_text)
        if value_date is None:
            raise MalformedStatement(
                f"Row {line_number}, column {mapping.date!r}: {date_text!r} is not a date "
                "(day first, e.g. 07/12/2026 or 7 Dec 2026)"
            )
        paise = _credit_of(line_number, mapping, cell)
        if paise is None:
            continue
        if paise < 0:
            debits += 1
            continue
        narration = " ".join(f"{cell('narration')} {cell('payer')}".split())[:MAX_NARRATION]
        reference = cell("reference")
        utr = (
            reference[:MAX_REFERENCE]
            if reference.upper() not in _NO_REFERENCE and reference.strip("0")
            else reference_in(narration)
        )
        handle = UPI_HANDLE.search(narration)
        same = (value_date, paise, " ".join(narration.upper().split()))
        credits.append(
            Credit(
                row_number=line_number,
                value_date=value_date,
                amount_paise=paise,
                narration=narration,
                utr=utr,
                upi_handle=handle.group(0).lower() if handle else None,
                fingerprint=_fingerprint(value_date, paise, narration, utr, seen[same]),
            )
        )
        seen[same] += 1
    return Statement(credits=credits, rows_read=rows_read, debits_skipped=debits)


def _amount(line_number: int, column: str | None, text: str) -> tuple[int, str | None] | None:
    if not text:
        return None
    parsed = parse_amount(text)
    if parsed is None:
        raise MalformedStatement(
            f"Row {line_number}, column {column!r}: {text!r} is not an amount (e.g. 1,23,456.00)"
        )
    return parsed


def _credit_of(line_number: int, mapping: Mapping, cell: Callable[[str], str]) -> int | None:
    """The line's money in (positive), out (negative), or None for a line with neither."""
    if mapping.credit is not None:
        credit = _amount(line_number, mapping.credit, cell("credit"))
        if credit is not None and credit[0] != 0:
            return abs(credit[0])
        debit = _amount(line_number, mapping.debit, cell("debit")) if mapping.debit else None
        if debit is not None and debit[0] != 0:
            return -abs(debit[0])
        return None
    amount = _amount(line_number, mapping.amount, cell("amount"))
    if amount is None or amount[0] == 0:
        return None
    paise, side = amount
    if mapping.type is not None:
        word = re.sub(r"[^A-Z]", "", cell("type").upper())
        if word in _CREDIT_WORDS:
            return abs(paise)
        if word in _DEBIT_WORDS:
            return -abs(paise)
        raise MalformedStatement(
            f"Row {line_number}, column {mapping.type!r}: {cell('type')!r} is neither credit "
            "(Cr) nor debit (Dr)"
        )
    if side is not None:
        return abs(paise) if side == "CR" else -abs(paise)
    return paise
