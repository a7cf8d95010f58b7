"""The reconciliation page shows the month's stored check with its time: made once on the first
visit, by the billing run, or by Check again (POST, live, stored); it says when something was
recorded since or the days moved on, and refuses a month not begun in words."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.billing import reconciliations
from milkrun.billing.models import StoredReconciliation
from tests.billing import factories as bf
from tests.factories import Login
from tests.web.billing.conftest import NOVEMBER, Month, milk_product

PAGE = f"/admin/billing/reconcile?month={NOVEMBER}"
MONTH = dt.date(2026, 11, 1)


def stored(session: Session) -> StoredReconciliation | None:
    session.expire_all()
    return session.get(StoredReconciliation, MONTH)


def test_the_first_visit_checks_and_stores_then_the_page_shows_the_stored_check(
    admin_client: TestClient, session: Session, november: Month, admin: Login
) -> None:
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    assert 'Delivered, not billed <span class="count">6</span>' in page.text
    assert 'id="checked-at"' in page.text
    assert "checked from this page" in page.text
    first = stored(session)
    assert first is not None
    assert first.trigger == reconciliations.PAGE
    assert first.actor_user_id == admin.user.id

    # A delivery the trail does not know of: the stored lists stay as they were.
    made = bf.order(
        session,
        customer_id=november.asha.id,
        product_id=milk_product(session),
        day=dt.date(2026, 11, 6),
    )
    bf.deliver(session, made, by=admin.user)
    session.commit()
    assert 'Delivered, not billed <span class="count">6</span>' in admin_client.get(PAGE).text

    again = admin_client.post("/admin/billing/reconcile/check", data={"month": NOVEMBER})
    assert again.status_code == 303
    assert again.headers["location"] == f"{PAGE}&done=checked"
    page = admin_client.get(again.headers["location"])
    assert "Checked again" in page.text
    assert 'Delivered, not billed <span class="count">7</span>' in page.text
    later = stored(session)
    assert later is not None
    assert later.checked_at >= first.checked_at
    assert later.result["delivered_not_billed_count"] == 7


def test_the_billing_run_stores_the_months_check(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    assert admin_client.post("/admin/billing/run", data={"month": NOVEMBER}).status_code == 303
    check = stored(session)
    assert check is not None
    assert check.trigger == reconciliations.BILLING_RUN
    page = admin_client.get(PAGE)
    assert "after the billing run" in page.text
    assert 'Delivered, not billed <span class="count">0</span>' in page.text
    assert 'id="up-to-date"' in page.text


def test_the_page_says_when_the_stored_check_may_be_out_of_date(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    admin_client.get(PAGE)
    assert 'id="up-to-date"' in admin_client.get(PAGE).text
    an_hour_ago = clock.now() - dt.timedelta(hours=1)
    session.execute(
        update(StoredReconciliation)
        .where(StoredReconciliation.month == MONTH)
        .values(checked_at=an_hour_ago)
    )
    for action in ("payment.record", "payment.record", "delivery.mark", "customer.update"):
        session.add(
            AuditEvent(actor_label="admin:Owner", channel="web", action=action, entity_type="x")
        )
    session.commit()
    page = admin_client.get(PAGE)
    assert 'id="out-of-date"' in page.text
    assert "deliveries: 1, payments: 2)" in page.text

    check = stored(session)
    assert check is not None
    yesterday = check.business_date - dt.timedelta(days=1)
    session.execute(
        update(StoredReconciliation)
        .where(StoredReconciliation.month == MONTH)
        .values(checked_at=clock.now(), business_date=yesterday)
    )
    session.commit()
    page = admin_client.get(PAGE)
    assert "the days since have ended" in page.text


def test_checking_a_month_not_begun_is_refused_in_words_and_stores_nothing(
    admin_client: TestClient, session: Session, november: Month
) -> None:
    refused = admin_client.post("/admin/billing/reconcile/check", data={"month": "2030-01"})
    assert refused.status_code == 400
    assert "has not begun yet" in refused.text
    session.expire_all()
    months = session.scalars(select(StoredReconciliation.month)).all()
    assert dt.date(2030, 1, 1) not in months
