from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from milkrun.inputs.fields import RecordId

ColumnName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class MappingCreate(BaseModel):
    """A column layout to save: give the date and narration columns, and either a credit column
    (with a debit one) or an amount column (with a Cr/Dr type column)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[\w.\- ]+$"
        ),
    ]
    date: ColumnName
    narration: ColumnName
    reference: ColumnName | None = None
    credit: ColumnName | None = None
    debit: ColumnName | None = None
    amount: ColumnName | None = None
    type: ColumnName | None = None
    payer: ColumnName | None = None


class MappingRead(BaseModel):
    name: str
    preset: bool
    description: str
    date: str
    narration: str
    reference: str | None
    credit: str | None
    debit: str | None
    amount: str | None
    type: str | None
    payer: str | None


class ImportRead(BaseModel):
    """What an import found; ``id`` is None for a dry run (nothing recorded)."""

    id: int | None
    file_name: str
    mapping: str
    dry_run: bool
    rows_read: int
    credits_new: int
    credits_seen_before: int
    debits_skipped: int
    proposed: int
    unmatched: int
    already_recorded: int


class LineRead(BaseModel):
    id: int
    import_id: int
    row_number: int
    value_date: dt.date
    amount: str
    narration: str
    utr: str | None
    upi_handle: str | None
    status: str
    reason: str | None
    customer_id: int | None
    customer_name: str | None
    invoice_id: int | None
    payment_id: int | None


class ConfirmLines(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_ids: Annotated[list[RecordId], Field(min_length=1, max_length=10_000)]


class AssignLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: RecordId
    confirm: bool = False


class ConfirmResult(BaseModel):
    confirmed: int
    payment_ids: list[int]
