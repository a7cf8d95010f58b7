"""Reading statement imports, lines and mappings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun.customers import queries as customer_queries
from milkrun.db.pagination import paginate
from milkrun.money import to_rupees
from milkrun.statements.errors import StatementLineNotFound, UnknownMapping
from milkrun.statements.mappings import PRESETS, Mapping
from milkrun.statements.models import StatementImport, StatementLine, StatementMapping
from milkrun.statements.schemas import LineRead, MappingRead


def _as_mapping(row: StatementMapping) -> Mapping:
    return Mapping(
        name=row.name,
        description="Saved",
        date=row.date_column,
        narration=row.narration_column,
        reference=row.reference_column,
        credit=row.credit_column,
        debit=row.debit_column,
        amount=row.amount_column,
        type=row.type_column,
        payer=row.payer_column,
    )


def saved_mapping(session: Session, name: str) -> StatementMapping | None:
    return session.scalar(
        select(StatementMapping).where(func.lower(StatementMapping.name) == name.strip().lower())
    )


def find_mapping(session: Session, name: str) -> Mapping:
    """A preset, else a saved mapping, by name (any case)."""
    preset = PRESETS.get(name.strip().lower())
    if preset is not None:
        return preset
    row = saved_mapping(session, name)
    if row is None:
        raise UnknownMapping(
            f"There is no mapping {name!r}: choose one of " + ", ".join(all_mapping_names(session))
        )
    return _as_mapping(row)


def all_mappings(session: Session) -> list[Mapping]:
    """The presets, then the saved mappings by name."""
    saved = session.scalars(select(StatementMapping).order_by(StatementMapping.name)).all()
    return [*PRESETS.values(), *(_as_mapping(row) for row in saved)]


def all_mapping_names(session: Session) -> list[str]:
    return [m.name for m in all_mappings(session)]


def last_mapping_name(session: Session) -> str | None:
    """The mapping of the latest import: chosen once, it stays the default."""
    return session.scalar(
        select(StatementImport.mapping_name).order_by(StatementImport.id.desc()).limit(1)
    )


def get_line(session: Session, line_id: int) -> StatementLine:
    line = session.get(StatementLine, line_id)
    if line is None:
        raise StatementLineNotFound(f"There is no statement line {line_id}")
    return line


def list_lines(
    session: Session,
    *,
    limit: int,
    cursor: str | None,
    status: str | None = None,
    import_id: int | None = None,
) -> tuple[Sequence[StatementLine], str | None]:
    """Statement lines in the order they were imported (of one status, one import)."""
    statement = select(StatementLine)
    if status is not None:
        statement = statement.where(StatementLine.status == status)
    if import_id is not None:
        statement = statement.where(StatementLine.import_id == import_id)
    return paginate(session, statement, StatementLine.id, limit=limit, cursor=cursor)


def count_by_status(session: Session, import_id: int | None = None) -> dict[str, int]:
    statement = select(StatementLine.status, func.count(StatementLine.id)).group_by(
        StatementLine.status
    )
    if import_id is not None:
        statement = statement.where(StatementLine.import_id == import_id)
    return {status: int(n) for status, n in session.execute(statement)}


def list_imports(
    session: Session, *, limit: int, cursor: str | None
) -> tuple[Sequence[StatementImport], str | None]:
    return paginate(
        session,
        select(StatementImport),
        StatementImport.id,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )


def count_imports(session: Session) -> int:
    return int(session.scalar(select(func.count(StatementImport.id))) or 0)


def read_lines(session: Session, lines: Sequence[StatementLine]) -> list[LineRead]:
    """Lines as the API and the pages show them, with their customers' names (one query)."""
    names = customer_queries.names_of(
        session, [line.customer_id for line in lines if line.customer_id is not None]
    )
    return [
        LineRead(
            id=line.id,
            import_id=line.import_id,
            row_number=line.row_number,
            value_date=line.value_date,
            amount=to_rupees(line.amount_paise),
            narration=line.narration,
            utr=line.utr,
            upi_handle=line.upi_handle,
            status=line.status,
            reason=line.reason,
            customer_id=line.customer_id,
            customer_name=names.get(line.customer_id) if line.customer_id else None,
            invoice_id=line.invoice_id,
            payment_id=line.payment_id,
        )
        for line in lines
    ]


def read_mappings(session: Session) -> list[MappingRead]:
    return [
        MappingRead(
            name=m.name,
            preset=m.name in PRESETS,
            description=m.description,
            date=m.date,
            narration=m.narration,
            reference=m.reference,
            credit=m.credit,
            debit=m.debit,
            amount=m.amount,
            type=m.type,
            payer=m.payer,
        )
        for m in all_mappings(session)
    ]
