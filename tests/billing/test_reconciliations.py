"""The stored reconciliation: a day close (API and the scheduler's job) stores the month's
check once its own transaction has committed; a failing check is logged and never fails the
close; the stored answer is the live one."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.billing import reconcile, reconciliations
from milkrun.billing.models import StoredReconciliation
from milkrun.billing.months import month_start
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.deliveries import closes
from tests import factories
from tests.deliveries import factories as df

API = "/api/v1"


def stored(session: Session, day: dt.date) -> StoredReconciliation | None:
    session.expire_all()
    return session.scalar(
        select(StoredReconciliation).where(StoredReconciliation.month == month_start(day))
    )


def test_a_day_closed_over_the_api_stores_its_months_check(
    session: Session, client: TestClient, admin: factories.Login
) -> None:
    day = df.delivery_day(session, date=df.today() - dt.timedelta(days=1), stops=2)
    session.commit()
    assert stored(session, day.date) is None
    answer = client.post(f"{API}/day-closes", json={"date": str(day.date)}, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    check = stored(session, day.date)
    assert check is not None
    assert check.trigger == reconciliations.DAY_CLOSE
    assert "asked by" in check.checked_by
    # The stored answer is the live one, made after the close: its orders are delivered.
    live = reconcile.reconcile(session, day.date, today=check.business_date)
    assert check.result == live.model_dump(mode="json")
    assert check.result["delivered_not_billed_count"] >= 2


def test_a_failing_check_does_not_fail_the_close(
    session: Session,
    client: TestClient,
    admin: factories.Login,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    day = df.delivery_day(session, date=df.today() - dt.timedelta(days=1), stops=2)
    session.commit()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the reconciliation broke")

    monkeypatch.setattr(reconcile, "reconcile", broken)
    with caplog.at_level(logging.ERROR, logger="milkrun.billing"):
        answer = client.post(
            f"{API}/day-closes", json={"date": str(day.date)}, headers=admin.headers
        )
    assert answer.status_code == 200, answer.text
    session.expire_all()
    assert closes.close_of(session, day.date) is not None
    assert df.order_status(session, day.orders[0].id) == "delivered"
    assert stored(session, day.date) is None
    assert "was not stored" in caplog.text


def test_the_scheduler_job_closes_then_stores_the_months_check(
    session: Session, settings: Settings, database: Database
) -> None:
    missed = df.delivery_day(session, date=df.today() - dt.timedelta(days=3), stops=2)
    session.commit()
    closed = reconciliations.close_days_and_check(database, settings)
    assert missed.date in {c.record.delivery_date for c in closed}
    check = stored(session, missed.date)
    assert check is not None
    assert check.trigger == reconciliations.DAY_CLOSE


def test_a_billing_run_over_the_api_stores_its_months_check(
    session: Session, client: TestClient, admin: factories.Login
) -> None:
    month = month_start(df.today())
    answer = client.post(
        f"{API}/billing/runs", json={"month": f"{month:%Y-%m}"}, headers=admin.headers
    )
    assert answer.status_code == 200, answer.text
    check = stored(session, month)
    assert check is not None
    assert check.trigger == reconciliations.BILLING_RUN


def test_checking_again_replaces_the_stored_check(session: Session) -> None:
    admin = factories.admin_user(session)
    actor = Actor(user_id=admin.id, label="admin:Owner", channel="web")
    today = df.today()
    first = reconciliations.check(session, today, actor, reconciliations.PAGE, today=today)
    again = reconciliations.check(session, today, actor, reconciliations.PAGE, today=today)
    assert again.checked_at >= first.checked_at
    rows = session.scalars(select(StoredReconciliation)).all()
    assert [row.month for row in rows] == [month_start(today)]
    last = reconciliations.last(session, today)
    assert last is not None
    assert last.found == again.found
    assert last.checked_by == "admin:Owner"
