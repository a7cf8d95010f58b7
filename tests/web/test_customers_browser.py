"""The customers' pages in a real browser (issue 11, point 12): a customer signs up on a phone and
subscribes; the owner adds a customer with a subscription; the owner pauses and changes a
subscription, and changes a locked day only with a reason. The pages never scroll sideways on a
phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from milkrun import clock
from milkrun.auth.models import User
from milkrun.customers.models import Customer
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms
from tests import factories
from tests.order_book import MORNING, TODAY, TOMORROW, day
from tests.web.conftest import LiveServer, log_in


def _page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


@pytest.fixture
def shop(live_server: LiveServer) -> dict[str, str]:
    """An owner, a route for Indiranagar, milk on sale; the morning of Tuesday 1 December."""
    clock.freeze(MORNING)
    with live_server.database.session_scope() as session:
        admin = factories.admin_user(session, name="Priya Admin")
        factories.route(session, name="Indiranagar North")
        factories.product(session, price="28.00")
        customer = factories.customer(session, name="Meera Nair")
        assert admin.phone is not None
        return {"admin": admin.phone, "customer_id": str(customer.id)}


@pytest.mark.browser
def test_a_customer_signs_up_on_a_phone_and_subscribes(
    phone_page: Page, live_server: LiveServer, shop: dict[str, str]
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Lakshmi Rao")
    page.get_by_label("Phone").fill("98450 55555")
    page.get_by_label("Address").fill("7 Church Street")
    page.get_by_label("Area or PIN code").fill("indiranagar")
    page.get_by_label("Choose a password").fill("milk-every-day")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Hello, Lakshmi Rao")).to_be_visible()
    expect(page.get_by_text("Indiranagar North (morning)")).to_be_visible()  # placed by its area
    form = page.locator("details.subscribe-form")
    expect(form.get_by_label("From")).to_have_value(TOMORROW.isoformat())
    form.get_by_label("How many each time").fill("2")
    form.get_by_role("button", name="Subscribe").click()

    expect(page.locator("#subscriptions [role=status]")).to_have_text(
        "Subscribed: deliveries from Wed 2 Dec."
    )
    expect(page.locator("article.subscription")).to_contain_text("Daily, 2 × 500 ml pouch")
    expect(page.locator(f"#day-{TOMORROW.isoformat()}")).to_contain_text("2 × Toned milk")
    assert _page_width(page) <= 375
    with live_server.database.session_scope() as session:
        customer = session.scalars(select(Customer).where(Customer.name == "Lakshmi Rao")).one()
        assert customer.phone == "+919845055555"
        assert session.scalar(select(User.customer_id).where(User.phone == customer.phone))
        (subscription,) = session.scalars(
            select(Subscription).where(Subscription.customer_id == customer.id)
        )
        assert subscription.start_date == TOMORROW


@pytest.mark.browser
def test_the_owner_adds_a_customer_with_a_subscription(
    page: Page, live_server: LiveServer, shop: dict[str, str]
) -> None:
    log_in(page, live_server.url, shop["admin"])
    page.get_by_role("navigation").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("status")).to_have_text("Showing 1 of 1 customer")
    page.get_by_role("link", name="Add a customer").click()
    page.get_by_label("Name").fill("Kiran Rao")
    page.get_by_label("Phone").fill("(0) 98450-66666")
    page.get_by_label("Address").fill("3 Defence Colony")
    page.get_by_label("Area or PIN code").fill("Indiranagar")
    page.get_by_label("Route").select_option(label="Indiranagar North (morning)")
    page.get_by_label("Password for the customer's login (optional)").fill("kiran-milk-1")
    page.get_by_role("button", name="Add customer").click()

    expect(page.get_by_role("heading", name="Kiran Rao")).to_be_visible()
    expect(page.get_by_text("Customer added.")).to_be_visible()
    expect(page.locator("#who")).to_contain_text("Login: +919845066666")
    page.get_by_text("Add a subscription").click()
    form = page.locator("form[action$='/subscriptions']")
    form.get_by_label("How often").select_option("weekdays")
    form.get_by_label("Mon").fill("2")
    form.get_by_label("Thu").fill("1")
    form.get_by_role("button", name="Add subscription").click()

    expect(page.get_by_text("Subscription added.")).to_be_visible()
    expect(page.locator("article.subscription")).to_contain_text("Mon 2, Thu 1 × 500 ml pouch")
    page.goto(f"{live_server.url}/admin/customers?q=66666")
    expect(page.get_by_role("status")).to_have_text("Showing 1 of 1 customer")
    expect(page.get_by_role("link", name="Kiran Rao")).to_be_visible()


@pytest.mark.browser
def test_the_owner_pauses_and_changes_a_subscription_on_a_phone(
    phone_page: Page, live_server: LiveServer, shop: dict[str, str]
) -> None:
    with live_server.database.session_scope() as session:
        milk = session.scalars(select(Subscription)).first()
        assert milk is None
        product_id = factories.product(session, price="30.00").id
        sub = factories.subscription(
            session, customer=int(shop["customer_id"]), product=product_id, start=day(-10)
        )
    page = phone_page
    log_in(page, live_server.url, shop["admin"])
    page.goto(f"{live_server.url}/admin/customers/{shop['customer_id']}")

    page.get_by_text("Pause deliveries").click()
    pause = page.locator("form[action$='/pauses']")
    pause.get_by_label("First day without").fill(day(3).isoformat())
    pause.get_by_label("Last day without").fill(day(4).isoformat())
    pause.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Deliveries paused.")).to_be_visible()
    expect(page.locator("article.pause")).to_contain_text("All deliveries: Fri 4 Dec to Sat 5 Dec")

    page.get_by_text("Change from a date").click()
    terms = page.locator(f"form[action$='/subscriptions/{sub.id}/terms']")
    terms.get_by_label("From").fill(day(6).isoformat())
    terms.get_by_label("How many each time").fill("3")
    terms.get_by_role("button", name="Change").click()
    expect(page.get_by_text("Subscription changed from the day chosen.")).to_be_visible()
    expect(page.locator("p.planned")).to_contain_text("From Mon 7 Dec")

    page.get_by_text("Change or skip one day").click()
    one_day = page.locator("form[action$='/day']")
    one_day.get_by_label("Day", exact=True).fill(TODAY.isoformat())
    one_day.get_by_label("Quantity").fill("0")
    one_day.get_by_role("button", name="Change the day").click()
    refused = page.locator("form[action$='/day'] [role=alert]")
    expect(refused).to_contain_text("past the customers' cut-off: say why")
    one_day = page.locator("form[action$='/day']")
    expect(one_day.get_by_label("Quantity")).to_have_value("0")
    one_day.get_by_label("Reason").fill("Customer phoned at 6 am")
    one_day.get_by_role("button", name="Change the day").click()
    expect(page.get_by_text("The day is changed.")).to_be_visible()
    expect(page.locator("#trail")).to_contain_text("Reason: Customer phoned at 6 am")
    assert _page_width(page) <= 375

    with live_server.database.session_scope() as session:
        (saved,) = session.scalars(select(Pause))
        assert (saved.start_date, saved.end_date) == (day(3), day(4))
        assert [t.effective_from for t in session.scalars(select(SubscriptionTerms))][-1] == day(6)
        (skip,) = session.scalars(select(Override))
        assert (skip.delivery_date, skip.quantity) == (TODAY, 0)
