"""One import is one unit of work: again changes nothing, a dry run leaves nothing, a failure
anywhere leaves the database as it was, and the trail has one event for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun.audit.models import AuditEvent
from milkrun.catalog import queries as catalog_queries
from milkrun.customers.models import Customer
from milkrun.db.session import Database
from milkrun.legacy import service
from milkrun.legacy.errors import ExportError
from milkrun.legacy.order_book import ORDERS
from milkrun.legacy.report import ImportReport
from milkrun.legacy.store import Run
from milkrun.orders.models import Order
from tests import factories
from tests.factories import ACTOR
from tests.legacy.conftest import TODAY, ZONE, RunImport, row_counts
from tests.legacy.export import DATA, Export, dairy


def _comparable(report: ImportReport) -> dict[str, object]:
    """A report without what depends on the ids the database hands out."""
    return {
        "collections": report.model_dump()["collections"],
        "repairs": report.repairs.model_dump(),
        "notices": [(n.collection, n.legacy_id, n.code) for n in report.notices],
    }


def test_importing_again_changes_nothing(session: Session, run_import: RunImport) -> None:
    first = run_import(DATA)
    after_first = row_counts(session)

    again = run_import(DATA)

    assert row_counts(session) == after_first
    assert again.nothing_new
    assert not first.nothing_new
    for counts in again.collections:
        assert counts.created == counts.existing == 0
        assert counts.already_imported + counts.skipped == counts.read
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "legacy.import"))
    (event,) = events.all()
    assert event.channel == "test"
    assert event.after is not None
    assert event.after["collections"]["orders"] == {
        "read": 19,
        "created": 19,
        "already_imported": 0,
        "existing": 0,
        "skipped": 0,
    }
    assert event.after["repairs"]["orders_linked"] == 15
    assert event.after["repairs"]["confirmations_unmatched"] == 1


def test_a_dry_run_leaves_nothing_and_reports_the_same(
    session: Session, run_import: RunImport
) -> None:
    before = row_counts(session)

    dry = run_import(DATA, dry_run=True)

    assert row_counts(session) == before
    assert dry.dry_run
    real = run_import(DATA)
    assert _comparable(dry) == _comparable(real)
    assert row_counts(session) != before


def _bad_last_line(tmp_path: Path) -> Path:
    directory = tmp_path / "export"
    directory.mkdir()
    for path in DATA.iterdir():
        (directory / path.name).write_text(path.read_text())
    with (directory / "deliveries.jsonl").open("a") as handle:
        handle.write(
            '{"_id": "d-9999", "customer": "c-101", "product": "TM500", "date": "2026-10-08",'
            ' "status": "delivered", "quantity_delivered": -1}\n'
        )
    return directory


def test_a_bad_line_at_the_end_of_the_last_file_changes_nothing(
    session: Session, database: Database, tmp_path: Path
) -> None:
    before = row_counts(session)

    with pytest.raises(ExportError) as caught, database.session_scope() as writer:
        service.import_export(writer, _bad_last_line(tmp_path), ACTOR, zone=ZONE, today=TODAY)

    assert caught.value.detail == (
        "deliveries.jsonl line 21, field 'quantity_delivered': "
        "Input should be greater than or equal to 0 (got -1)"
    )
    assert row_counts(session) == before


def test_a_reference_to_nothing_in_the_last_file_changes_nothing(
    session: Session, database: Database, tmp_path: Path
) -> None:
    """The unknown SKU is found after every other collection has been written."""
    directory = _bad_last_line(tmp_path)
    text = (directory / "deliveries.jsonl").read_text().replace(', "quantity_delivered": -1', "")
    text = text.replace('"TM500", "date": "2026-10-08"', '"GHEE1", "date": "2026-10-08"')
    (directory / "deliveries.jsonl").write_text(text)
    before = row_counts(session)

    with pytest.raises(ExportError) as caught, database.session_scope() as writer:
        service.import_export(writer, directory, ACTOR, zone=ZONE, today=TODAY)

    assert caught.value.detail == (
        "deliveries.jsonl line 21, field 'product': no product has the SKU 'GHEE1'"
    )
    assert row_counts(session) == before


def test_a_constraint_the_database_enforces_midway_changes_nothing(
    session: Session, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(run: Run) -> None:
        row = {"customer_id": 1, "product_id": 1, "delivery_date": TODAY, "shift": "morning",
               "quantity": 0, "unit_price_paise": 100, "status": "scheduled"}  # fmt: skip
        run.session.execute(insert(ORDERS), [row])

    monkeypatch.setattr(service, "STEPS", (*service.STEPS, refused))
    before = row_counts(session)

    with pytest.raises(IntegrityError), database.session_scope() as writer:
        service.import_export(writer, DATA, ACTOR, zone=ZONE, today=TODAY)

    assert row_counts(session) == before


def test_files_that_are_no_collection_are_listed(run_import: RunImport, tmp_path: Path) -> None:
    directory = Export().product().write(tmp_path / "x")
    (directory / "sessions.jsonl").write_text("not even json\n")

    report = run_import(directory)

    assert report.ignored_files == ["sessions.jsonl"]
    assert report.counts("products").created == 1


def test_rows_made_after_an_import_get_new_ids(session: Session, run_import: RunImport) -> None:
    """The import takes its ids itself (from the sequence on PostgreSQL); what milkrun writes
    next does not collide with them."""
    run_import(DATA)
    imported = set(session.scalars(select(Customer.id)))

    orders = set(session.scalars(select(Order.id)))
    milk = catalog_queries.product_by_sku(session, "TM500")
    assert milk is not None

    made = factories.customer(session, name="After the import")
    order = factories.one_time_order(
        session, customer_id=made.id, product_id=milk.id, day=TODAY + dt.timedelta(days=1)
    )

    assert made.id not in imported
    assert made.id > max(imported)
    assert order.id > max(orders)


def test_history_imported_a_month_at_a_time_links_like_one_import(
    session: Session, run_import: RunImport
) -> None:
    """docs/legacy-import.md: years of history go in a month at a time, each export repeating
    the reference documents. A later month's orders and confirmations find the subscriptions
    and orders of the earlier imports."""

    def month(first: int, last: int) -> Export:
        export = dairy().subscription("s-1", "c-1")
        for day in range(first, last + 1):
            date = f"2026-10-{day:02d}"
            export.order(f"o-{day}", "c-1", date).delivery(f"d-{day}", "c-1", date)
        return export

    first = run_import(month(1, 3))
    second = run_import(month(4, 6))

    assert first.repairs.orders_linked == 3
    assert second.repairs.orders_linked == 3
    assert second.repairs.confirmations_linked == 3
    by_collection = {c.collection: c for c in second.collections}
    assert by_collection["subscriptions"].already_imported == 1
    assert by_collection["customers"].already_imported == 2
    linked = session.scalars(select(Order.subscription_id).order_by(Order.delivery_date)).all()
    assert len(linked) == 6
    assert len(set(linked)) == 1
    assert linked[0] is not None
