"""A billing run plans its statements on statistics of what it just wrote (PostgreSQL): from
``drafts.MANY_DRAFTS`` drafts made, the invoices and the lines are analyzed within the run, so a
rerun's clear and totals are not planned for one draft where there are thousands."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from milkrun.billing import drafts, service
from tests import factories
from tests.billing import factories as bf
from tests.billing.conftest import Dairy


def _counted_rows(session: Session, table: str) -> float:
    return float(
        session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
    )


def test_a_run_with_many_drafts_refreshes_the_statistics_of_what_it_wrote(
    session: Session, dairy: Dairy, db_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db_kind != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(drafts, "MANY_DRAFTS", 3)  # three customers stand for thousands
    for customer in (dairy.asha, dairy.ravi, dairy.meera):
        for n in (1, 2):
            made = bf.order(
                session,
                customer_id=customer.id,
                product_id=dairy.milk.id,
                day=bf.NOVEMBER + dt.timedelta(days=n),
            )
            bf.deliver(session, made, by=dairy.admin)

    result = service.run_billing(session, bf.NOVEMBER, factories.ACTOR, bf.SETTINGS, today=bf.TODAY)

    assert result.invoices_created == 3
    # ANALYZE counts this transaction's own rows: the planner sees the drafts and lines as they
    # are (a small table is read whole, so the estimate is the count).
    for table in ("invoices", "invoice_lines"):
        rows = session.scalar(text(f"SELECT count(*) FROM {table}"))
        assert _counted_rows(session, table) == rows
