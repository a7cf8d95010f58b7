"""Bank and UPI statements (admins): import a statement file, read the proposed matches and the
unmatched queue, confirm matches in bulk, name a line's customer, set a line aside; the column
mappings (presets and saved ones)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status

from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    SessionDep,
    SettingsDep,
)
from milkrun.db.pagination import Page
from milkrun.statements import queries, service
from milkrun.statements.models import LineStatus
from milkrun.statements.schemas import (
    AssignLine,
    ConfirmLines,
    ConfirmResult,
    ImportRead,
    LineRead,
    MappingCreate,
    MappingRead,
)
from milkrun.wallets.generation import threshold_of

router = APIRouter(tags=["payment statements"])

MappingName = Annotated[
    str | None,
    Query(
        max_length=40,
        description="A preset (sbi, hdfc, icici, axis, upi-merchant, generic) or a saved "
        "mapping; left out, the mapping of the last import",
    ),
]


@router.post("/payment-statements", status_code=status.HTTP_201_CREATED, response_model=ImportRead)
def import_statement(
    file: Annotated[UploadFile, File(description="The statement, as CSV")],
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    mapping: MappingName = None,
    dry_run: bool = False,
) -> ImportRead:
    """Read a statement's credits and propose a customer for each (with the reason); credits
    imported before are not kept again. A malformed file is refused (400
    ``malformed_statement``, naming the row and the column) and nothing is recorded."""
    return service.import_statement(
        session,
        file.file.read(),
        file_name=file.filename or "statement.csv",
        mapping_name=service.mapping_to_use(session, mapping),
        actor=actor,
        dry_run=dry_run,
    )


@router.get("/payment-statement-lines", response_model=Page[LineRead])
def list_lines(
    _: AdminUser,
    session: SessionDep,
    status: LineStatus | None = None,
    import_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[LineRead]:
    """Statement credits in import order: ``status=proposed`` the matches waiting for
    confirmation, ``status=unmatched`` the queue."""
    lines, next_cursor = queries.list_lines(
        session,
        limit=limit,
        cursor=cursor,
        status=status.value if status else None,
        import_id=import_id,
    )
    return Page[LineRead](items=queries.read_lines(session, lines), next_cursor=next_cursor)


@router.post("/payment-statement-lines/confirm", response_model=ConfirmResult)
def confirm_lines(
    body: ConfirmLines,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ConfirmResult:
    """Record the chosen proposed lines as payments (reference: the UTR), settling bills;
    lines decided already are left as they are."""
    payments = service.confirm_lines(
        session,
        body.line_ids,
        actor,
        zone=settings.zone,
        threshold_paise=threshold_of(settings),
    )
    return ConfirmResult(confirmed=len(payments), payment_ids=[p.id for p in payments])


@router.put("/payment-statement-lines/{line_id}/customer", response_model=LineRead)
def assign_line(
    line_id: PathId,
    body: AssignLine,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> LineRead:
    """Name the customer of a line (``confirm``: record it as their payment at once)."""
    line = service.assign_line(
        session,
        line_id,
        body.customer_id,
        actor,
        confirm=body.confirm,
        zone=settings.zone,
        threshold_paise=threshold_of(settings),
    )
    return queries.read_lines(session, [line])[0]


@router.post("/payment-statement-lines/{line_id}/ignore", response_model=LineRead)
def ignore_line(line_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep) -> LineRead:
    """Set a credit aside: not a customer's money."""
    return queries.read_lines(session, [service.ignore_line(session, line_id, actor)])[0]


@router.get("/payment-statement-mappings", response_model=list[MappingRead])
def list_mappings(_: AdminUser, session: SessionDep) -> list[MappingRead]:
    return queries.read_mappings(session)


@router.post(
    "/payment-statement-mappings",
    status_code=status.HTTP_201_CREATED,
    response_model=MappingRead,
)
def save_mapping(
    body: MappingCreate, _: AdminUser, actor: ActorDep, session: SessionDep
) -> MappingRead:
    """Save a column layout under a name, to import with it from now on."""
    row = service.save_mapping(session, body, actor)
    return next(m for m in queries.read_mappings(session) if m.name == row.name)
