"""The import of an old system's export, as one unit of work.

The export is read and checked first (``reader``: anything malformed is fatal, before a single
write). Then each collection is imported in turn, every reference resolved and every missing
link repaired on the way (``reference``, ``order_book``, the rules in ``matching``), with batched
statements and the provenance of each document (``legacy_records``), and one audit event for
the whole. The caller owns the transaction: a failure anywhere leaves the database as it was.
A dry run does all of it inside a savepoint and rolls that back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.db import statistics
from milkrun.legacy import confirmations, order_book, reference
from milkrun.legacy.documents import COLLECTIONS
from milkrun.legacy.reader import Progress, read_export
from milkrun.legacy.report import CollectionCounts, ImportReport
from milkrun.legacy.store import RECORDS, SILENT, Run

# Each step imports the collections its documents refer to before them; customer logins come
# after the customers they are linked to, staff logins before the routes they walk.
STEPS = (
    reference.import_products,
    reference.import_staff,
    reference.import_routes,
    reference.import_customers,
    reference.import_customer_logins,
    order_book.import_subscriptions,
    order_book.import_orders,
    confirmations.import_deliveries,
)


def import_export(
    session: Session,
    directory: Path,
    actor: audit.Actor,
    *,
    zone: ZoneInfo,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the export in ``directory``: what an earlier run imported is left as it is, what
    is new is added. Returns what was read, created, found and repaired; with ``dry_run``, the
    same report for changes that are rolled back."""
    export = read_export(directory, progress)
    report = ImportReport(
        directory=str(directory),
        dry_run=dry_run,
        collections=[CollectionCounts(collection=c) for c in COLLECTIONS],
        ignored_files=export.ignored,
    )
    run = Run(
        session=session,
        export=export,
        report=report,
        zone=zone,
        today=today or clock.today(zone),
        progress=progress or SILENT,
    )
    # What earlier imports recorded is looked up by the batch: plan those lookups for its size.
    statistics.refresh(session, RECORDS)
    savepoint = session.begin_nested() if dry_run else None
    try:
        for step in STEPS:
            step(run)
        if not report.nothing_new:
            audit.record(
                session, actor, "legacy.import", "legacy_import", None, after=report.summary()
            )
    finally:
        if savepoint is not None:
            savepoint.rollback()
    return report
