"""The reports (/admin/reports/...): each a page over a period and the CSV of exactly its rows —
daily requirement per route and product, deliveries per delivery boy (late marks counted),
sales per product and month, customers per month; a bad period says why."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.deliveries import factories as day_factories
from tests.factories import Login
from tests.web.conftest import LiveServer, log_in

MARK = "/api/v1/delivery-boy/mark-delivered"


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


@pytest.fixture
def marked_day(admin_client: TestClient, session: Session) -> day_factories.Day:
    """Today on one route: one order delivered and one partly at 09:00, one not delivered at
    11:00 (late: after 10:00)."""
    day = day_factories.delivery_day(session)
    session.commit()
    early = dt.datetime.combine(day.date, dt.time(9, 0), day_factories.ZONE)
    marks = [
        (early, day.body(0)),
        (early, day.body(1, status="partially_delivered", quantity_delivered=1)),
        (early + dt.timedelta(hours=2), day.body(2, status="not_delivered", reason="refused")),
    ]
    for at, body in marks:
        clock.freeze(at)
        assert admin_client.post(MARK, json=body, headers=day.boy.headers).status_code == 200
    clock.freeze(None)
    return day


def _rows(html: str) -> list[list[str]]:
    body = html[html.index('<table class="stacked report-table">') :]
    body = body[: body.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]


def _csv(client: TestClient, html: str) -> list[list[str]]:
    url = re.search(r'<a class="csv" href="([^"]+)"', html)
    assert url
    answer = client.get(url.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.match(
        r'attachment; filename="milkrun-[a-z]+-[0-9-]+\.csv"', answer.headers["content-disposition"]
    )
    return list(csv.reader(io.StringIO(answer.text)))


def test_the_daily_requirement_per_route_and_product(
    admin_client: TestClient, marked_day: day_factories.Day
) -> None:
    day = marked_day.date.isoformat()
    page = admin_client.get("/admin/reports/requirement", params={"start": day, "end": day})
    assert page.status_code == 200
    expected = [day, marked_day.route.name, "Toned milk", "500 ml pouch", "6", "3"]
    assert _rows(page.text) == [expected]
    assert _csv(admin_client, page.text) == [
        ["Date", "Route", "Product", "Unit", "Quantity", "Orders"],
        expected,
    ]


def test_deliveries_per_delivery_boy_with_reasons_and_late_marks(
    admin_client: TestClient, marked_day: day_factories.Day
) -> None:
    day = marked_day.date.isoformat()
    page = admin_client.get("/admin/reports/deliveries", params={"start": day, "end": day})
    expected = [marked_day.boy.user.name, "3", "1", "1", "1", "refused 1", "1"]
    assert _rows(page.text) == [expected]
    assert _csv(admin_client, page.text)[1] == expected


def test_sales_per_product_and_month_in_rupees(
    admin_client: TestClient, marked_day: day_factories.Day
) -> None:
    month = marked_day.date.strftime("%Y-%m")
    page = admin_client.get("/admin/reports/sales", params={"start": month, "end": month})
    assert _rows(page.text) == [[month, "Toned milk", "500 ml pouch", "3", "₹84.00"]]
    assert _csv(admin_client, page.text)[1] == [month, "Toned milk", "500 ml pouch", "3", "84.00"]


def test_customers_added_paused_and_left_per_month(
    admin_client: TestClient, session: Session
) -> None:
    today = day_factories.today()
    staying = factories.customer(session)
    factories.pause(session, customer_id=staying.id, start=today)
    leaving = factories.customer(session)
    leaving.is_active = False
    session.commit()
    month = today.strftime("%Y-%m")
    page = admin_client.get("/admin/reports/customers", params={"start": month, "end": month})
    assert _rows(page.text) == [[month, "2", "1", "1"]]
    assert _csv(admin_client, page.text) == [
        ["Month", "Added", "Paused", "Left"],
        [month, "2", "1", "1"],
    ]


def test_a_report_without_a_period_shows_the_last_days(admin_client: TestClient) -> None:
    page = admin_client.get("/admin/reports/requirement")
    assert page.status_code == 200
    assert "Nothing in this period" in page.text


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("requirement", {"start": "2026-12-05", "end": "2026-12-01"}, "The last day comes before"),
        ("deliveries", {"start": "2026-01-01", "end": "2026-12-01"}, "Choose at most 62 days"),
        ("sales", {"start": "someday"}, "The first month is not a month"),
        ("customers", {"start": "2020-01", "end": "2026-12"}, "Choose at most 24 months"),
    ],
)
def test_a_bad_period_says_why(
    admin_client: TestClient, name: str, params: dict[str, str], message: str
) -> None:
    page = admin_client.get(f"/admin/reports/{name}", params=params)
    assert page.status_code == 400
    assert message in page.text
    assert 'class="csv"' not in page.text
    csv_answer = admin_client.get(f"/admin/reports/{name}", params={**params, "format": "csv"})
    assert csv_answer.status_code == 400


def test_an_unknown_report_is_a_page_not_found(admin_client: TestClient) -> None:
    answer = admin_client.get("/admin/reports/nothing")
    assert answer.status_code == 404
    assert "There is no report" in answer.text


@pytest.mark.browser
def test_the_owner_downloads_a_report_and_its_rows_match_the_page(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session)
        phone = admin.phone
        day_factories.delivery_day(session)
    assert phone
    log_in(page, live_server.url, phone)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Daily requirement").click()
    rows = page.locator("table.report-table tbody tr")
    expect(rows).to_have_count(1)
    shown = [[cell.inner_text().strip() for cell in row.locator("td").all()] for row in rows.all()]
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as file:
        assert list(csv.reader(file))[1:] == shown
