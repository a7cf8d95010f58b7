"""Who may call what: every operation of the API's OpenAPI schema, called without a token and
as each role.

``RULES`` is the table of who may call each operation. A route that is not in it fails this
test: a new route must declare who may call it, here, before it ships.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.app import API_PREFIX
from milkrun.containers import service as container_service
from milkrun.hubs.scope import EVERY_HUB
from milkrun.notify import outbox
from milkrun.notify.models import OutboxMessage
from milkrun.offers import service as offer_service
from milkrun.statements import service as statement_service
from milkrun.statements.models import StatementLine
from tests import factories
from tests.billing import factories as billing_factories
from tests.deliveries import factories as day_factories
from tests.factories import Login

ADMIN, DELIVERY_BOY, CUSTOMER = "admin", "delivery_boy", "customer"
ROLES = (ADMIN, DELIVERY_BOY, CUSTOMER)
PUBLIC = "public"  # anyone, no token needed
OWN = "own"  # a customer, for its own record; another customer's record is 404
SIGNED = "signed"  # anyone, but only with the provider's signature over the body (else 403)
ANY_USER = frozenset(ROLES)
ADMIN_ONLY = frozenset({ADMIN})

RULES: dict[tuple[str, str], frozenset[str]] = {
    # auth
    ("POST", "/auth/register"): frozenset({PUBLIC}),
    ("POST", "/auth/login"): frozenset({PUBLIC}),
    ("GET", "/auth/me"): ANY_USER,
    ("POST", "/auth/logout"): ANY_USER,
    ("POST", "/auth/password"): ANY_USER,
    # users (staff logins)
    ("GET", "/users"): ADMIN_ONLY,
    ("POST", "/users"): ADMIN_ONLY,
    ("GET", "/users/{user_id}"): ADMIN_ONLY,
    ("PATCH", "/users/{user_id}"): ADMIN_ONLY,
    # customers and their logins
    ("GET", "/customers"): ADMIN_ONLY,
    ("POST", "/customers"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}"): frozenset({ADMIN, OWN}),
    ("PATCH", "/customers/{customer_id}"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/user"): ADMIN_ONLY,
    ("POST", "/customers/{customer_id}/user"): ADMIN_ONLY,
    ("PUT", "/customers/{customer_id}/user"): ADMIN_ONLY,
    ("DELETE", "/customers/{customer_id}/user"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/location"): ADMIN_ONLY,
    ("PUT", "/customers/{customer_id}/location"): ADMIN_ONLY,
    ("POST", "/customers/{customer_id}/location/approve"): ADMIN_ONLY,
    ("POST", "/customers/{customer_id}/location/reject"): ADMIN_ONLY,
    # catalog: everyone logged in reads it, admins change it
    ("GET", "/products"): ANY_USER,
    ("POST", "/products"): ADMIN_ONLY,
    ("GET", "/products/{product_id}"): ANY_USER,
    ("PATCH", "/products/{product_id}"): ADMIN_ONLY,
    ("GET", "/products/{product_id}/prices"): ANY_USER,
    ("POST", "/products/{product_id}/prices"): ADMIN_ONLY,
    ("POST", "/products/prices/bulk"): ADMIN_ONLY,
    # routes
    ("GET", "/routes"): ADMIN_ONLY,
    ("POST", "/routes"): ADMIN_ONLY,
    ("GET", "/routes/{route_id}"): ADMIN_ONLY,
    ("PATCH", "/routes/{route_id}"): ADMIN_ONLY,
    ("GET", "/routes/{route_id}/stops"): ADMIN_ONLY,
    ("PUT", "/routes/{route_id}/stops"): ADMIN_ONLY,
    ("GET", "/routes/{route_id}/stops/suggestion"): ADMIN_ONLY,
    ("GET", "/routes/{route_id}/substitutes"): ADMIN_ONLY,
    ("PUT", "/routes/{route_id}/substitutes/{delivery_date}"): ADMIN_ONLY,
    ("DELETE", "/routes/{route_id}/substitutes/{delivery_date}"): ADMIN_ONLY,
    ("GET", "/routes/{route_id}/manifest"): ADMIN_ONLY,
    # delivery day: a delivery boy for the routes he walks (scope tested in tests/deliveries),
    # an admin for any order
    ("GET", "/delivery-boy/manifest"): frozenset({ADMIN, DELIVERY_BOY}),
    # the day close: admins
    ("POST", "/day-closes"): ADMIN_ONLY,
    ("GET", "/day-closes"): ADMIN_ONLY,
    ("GET", "/day-closes/review"): ADMIN_ONLY,
    ("GET", "/day-closes/{delivery_date}"): ADMIN_ONLY,
    ("POST", "/delivery-boy/mark-delivered"): frozenset({ADMIN, DELIVERY_BOY}),
    ("POST", "/delivery-boy/mark-stop"): frozenset({ADMIN, DELIVERY_BOY}),
    ("POST", "/delivery-boy/stop-location"): frozenset({ADMIN, DELIVERY_BOY}),
    ("GET", "/shared-delivery-links"): ADMIN_ONLY,
    ("POST", "/shared-delivery-links"): ADMIN_ONLY,
    ("DELETE", "/shared-delivery-links/{link_id}"): ADMIN_ONLY,
    # a shared delivery link's holder has no login: the token is the credential (tests/links)
    ("GET", "/shared-delivery-link/{token}"): frozenset({PUBLIC}),
    ("POST", "/shared-delivery-link/{token}/mark-delivered"): frozenset({PUBLIC}),
    ("POST", "/shared-delivery-link/{token}/mark-stop"): frozenset({PUBLIC}),
    # the trail
    ("GET", "/audit-events"): ADMIN_ONLY,
    # subscriptions, pauses, day changes: admins, and a customer for its own
    ("GET", "/subscriptions"): ADMIN_ONLY,
    ("POST", "/subscriptions"): ADMIN_ONLY,
    ("GET", "/subscriptions/{subscription_id}"): frozenset({ADMIN, OWN}),
    ("PATCH", "/subscriptions/{subscription_id}"): frozenset({ADMIN, OWN}),
    ("GET", "/subscriptions/{subscription_id}/pauses"): frozenset({ADMIN, OWN}),
    ("POST", "/subscriptions/{subscription_id}/pauses"): frozenset({ADMIN, OWN}),
    ("GET", "/subscriptions/{subscription_id}/overrides"): frozenset({ADMIN, OWN}),
    ("PUT", "/subscriptions/{subscription_id}/overrides/{delivery_date}"): frozenset({ADMIN, OWN}),
    ("DELETE", "/subscriptions/{subscription_id}/overrides/{delivery_date}"): frozenset(
        {ADMIN, OWN}
    ),
    ("GET", "/customers/{customer_id}/pauses"): frozenset({ADMIN, OWN}),
    ("POST", "/customers/{customer_id}/pauses"): frozenset({ADMIN, OWN}),
    ("PATCH", "/pauses/{pause_id}"): frozenset({ADMIN, OWN}),
    ("DELETE", "/pauses/{pause_id}"): frozenset({ADMIN, OWN}),
    # the order book
    ("POST", "/orders"): frozenset({ADMIN, CUSTOMER}),  # a customer for itself
    ("GET", "/orders"): ADMIN_ONLY,
    ("POST", "/orders/generate"): ADMIN_ONLY,
    ("GET", "/orders/{order_id}"): frozenset({ADMIN, OWN}),
    ("POST", "/orders/{order_id}/cancel"): frozenset({ADMIN, OWN}),
    # a customer's own, under /me (another customer's ids are 404)
    ("GET", "/me/subscriptions"): frozenset({CUSTOMER}),
    ("POST", "/me/subscriptions"): frozenset({CUSTOMER}),
    ("GET", "/me/subscriptions/{subscription_id}"): frozenset({CUSTOMER}),
    ("PATCH", "/me/subscriptions/{subscription_id}"): frozenset({CUSTOMER}),
    ("GET", "/me/subscriptions/{subscription_id}/pauses"): frozenset({CUSTOMER}),
    ("POST", "/me/subscriptions/{subscription_id}/pauses"): frozenset({CUSTOMER}),
    ("GET", "/me/subscriptions/{subscription_id}/overrides"): frozenset({CUSTOMER}),
    ("PUT", "/me/subscriptions/{subscription_id}/overrides/{delivery_date}"): frozenset({CUSTOMER}),
    ("DELETE", "/me/subscriptions/{subscription_id}/overrides/{delivery_date}"): frozenset(
        {CUSTOMER}
    ),
    ("GET", "/me/pauses"): frozenset({CUSTOMER}),
    ("POST", "/me/pauses"): frozenset({CUSTOMER}),
    ("PATCH", "/me/pauses/{pause_id}"): frozenset({CUSTOMER}),
    ("DELETE", "/me/pauses/{pause_id}"): frozenset({CUSTOMER}),
    # billing: admins run, issue and void; a customer reads its own issued invoices and ledger
    ("POST", "/billing/runs"): ADMIN_ONLY,
    ("GET", "/billing/reconcile"): ADMIN_ONLY,
    ("GET", "/invoices"): frozenset({ADMIN, CUSTOMER}),  # a customer: its own only
    ("GET", "/invoices/{invoice_id}"): frozenset({ADMIN, OWN}),
    ("GET", "/invoices/{invoice_id}/pdf"): frozenset({ADMIN, OWN}),
    ("POST", "/invoices/{invoice_id}/finalize"): ADMIN_ONLY,
    ("POST", "/invoices/{invoice_id}/void"): ADMIN_ONLY,
    # public bill links: admins make and revoke them; /b/{token} is a page (tests/bill_links)
    ("GET", "/invoices/{invoice_id}/links"): ADMIN_ONLY,
    ("POST", "/invoices/{invoice_id}/links"): ADMIN_ONLY,
    ("DELETE", "/invoices/{invoice_id}/links/{link_id}"): ADMIN_ONLY,
    ("POST", "/payments"): ADMIN_ONLY,
    ("GET", "/billing/gstr1"): ADMIN_ONLY,
    ("GET", "/counter-sales"): ADMIN_ONLY,
    ("POST", "/counter-sales"): ADMIN_ONLY,
    ("GET", "/counter-sales/totals"): ADMIN_ONLY,
    ("GET", "/counter-sales/{sale_id}"): ADMIN_ONLY,
    ("POST", "/counter-sales/{sale_id}/void"): ADMIN_ONLY,
    ("GET", "/billing/gstr1/{table}.csv"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/wallet"): frozenset({ADMIN, OWN}),
    ("PUT", "/customers/{customer_id}/wallet"): ADMIN_ONLY,
    ("GET", "/me/wallet"): frozenset({CUSTOMER}),
    ("GET", "/invoices/{invoice_id}/payment-links"): ADMIN_ONLY,
    ("POST", "/invoices/{invoice_id}/payment-link"): ADMIN_ONLY,
    ("POST", "/products/{product_id}/tax-rates"): ADMIN_ONLY,
    ("POST", "/webhooks/razorpay"): frozenset({SIGNED}),
    ("GET", "/payments"): ADMIN_ONLY,
    ("POST", "/payment-statements"): ADMIN_ONLY,
    ("GET", "/payment-statement-lines"): ADMIN_ONLY,
    ("POST", "/payment-statement-lines/confirm"): ADMIN_ONLY,
    ("PUT", "/payment-statement-lines/{line_id}/customer"): ADMIN_ONLY,
    ("POST", "/payment-statement-lines/{line_id}/ignore"): ADMIN_ONLY,
    ("GET", "/payment-statement-mappings"): ADMIN_ONLY,
    ("POST", "/payment-statement-mappings"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/ledger"): frozenset({ADMIN, OWN}),
    ("GET", "/me/invoices"): frozenset({CUSTOMER}),
    ("GET", "/me/ledger"): frozenset({CUSTOMER}),
    ("GET", "/me/orders"): frozenset({CUSTOMER}),
    ("POST", "/me/orders"): frozenset({CUSTOMER}),
    ("GET", "/me/orders/upcoming"): frozenset({CUSTOMER}),
    ("GET", "/me/orders/{order_id}"): frozenset({CUSTOMER}),
    ("POST", "/me/orders/{order_id}/cancel"): frozenset({CUSTOMER}),
    # the delivery round: a delivery boy records a stop's containers and cash (scope tested in
    # tests/containers), admins manage container types and read the ledger
    ("POST", "/delivery-boy/containers"): frozenset({ADMIN, DELIVERY_BOY}),
    ("POST", "/delivery-boy/cash"): frozenset({ADMIN, DELIVERY_BOY}),
    ("GET", "/container-types"): frozenset({ADMIN, DELIVERY_BOY}),
    ("POST", "/container-types"): ADMIN_ONLY,
    ("PATCH", "/container-types/{type_id}"): ADMIN_ONLY,
    ("DELETE", "/container-types/{type_id}"): ADMIN_ONLY,
    ("PUT", "/products/{product_id}/container"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/containers"): ADMIN_ONLY,
    ("POST", "/containers/lost"): ADMIN_ONLY,
    ("GET", "/containers/routes"): ADMIN_ONLY,
    ("GET", "/cash-handovers"): ADMIN_ONLY,
    ("POST", "/cash-handovers"): ADMIN_ONLY,
    # hubs, holidays and festival offers (object scope tested in tests/hubs)
    ("GET", "/hubs"): ADMIN_ONLY,
    ("POST", "/hubs"): ADMIN_ONLY,
    ("PUT", "/routes/{route_id}/hub"): ADMIN_ONLY,
    ("PUT", "/users/{user_id}/hub"): ADMIN_ONLY,
    ("GET", "/holidays"): ADMIN_ONLY,
    ("POST", "/holidays"): ADMIN_ONLY,
    ("GET", "/offers"): ADMIN_ONLY,
    ("POST", "/offers"): ADMIN_ONLY,
    ("POST", "/customers/{customer_id}/offers/{offer_id}/accept"): ADMIN_ONLY,
    # messages: the outbox, consents, and the provider's webhook
    ("GET", "/outbox"): ADMIN_ONLY,
    ("GET", "/outbox/dead-letters"): ADMIN_ONLY,
    ("GET", "/outbox/usage"): ADMIN_ONLY,
    ("GET", "/outbox/templates"): ADMIN_ONLY,
    ("GET", "/outbox/{message_id}"): ADMIN_ONLY,
    ("POST", "/outbox/{message_id}/retry"): ADMIN_ONLY,
    ("GET", "/customers/{customer_id}/message-consents"): ADMIN_ONLY,
    ("PUT", "/customers/{customer_id}/message-consents/{channel}"): ADMIN_ONLY,
    ("GET", "/webhooks/whatsapp"): frozenset({SIGNED}),
    ("POST", "/webhooks/whatsapp"): frozenset({SIGNED}),
}


def api_operations(client: TestClient) -> set[tuple[str, str]]:
    schema: dict[str, Any] = client.app.openapi()  # type: ignore[attr-defined]
    return {
        (method.upper(), path.removeprefix(API_PREFIX))
        for path, item in schema["paths"].items()
        if path.startswith(API_PREFIX + "/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_route_declares_who_may_call_it(client: TestClient) -> None:
    operations = api_operations(client)
    undeclared = sorted(operations - RULES.keys())
    assert undeclared == [], (
        f"routes missing from RULES in {__file__}: {undeclared}; declare who may call them"
    )
    gone = sorted(RULES.keys() - operations)
    assert gone == [], f"RULES lists routes that no longer exist: {gone}"


def _orders_of(session: Session, customer_id: int) -> dict[str, int | str]:
    """A customer's subscription (with a day change and a pause) and a one-time order."""
    today = clock.today(ZoneInfo("Asia/Kolkata"))
    day = today + dt.timedelta(days=10)
    product = factories.product(session)
    subscription = factories.subscription(
        session, customer=customer_id, product=product, start=today
    )
    factories.override(session, subscription_id=subscription.id, day=day, quantity=2)
    pause = factories.pause(
        session, customer_id=customer_id, subscription_id=subscription.id, start=day
    )
    order = factories.one_time_order(
        session, customer_id=customer_id, product_id=product.id, day=day
    )
    return {
        "subscription_id": subscription.id,
        "pause_id": pause.id,
        "order_id": order.id,
        "delivery_date": day.isoformat(),
    }


def _link_id(session: Session) -> int:
    route = factories.route(session)
    created, _token = day_factories.link(session, route, clock.today(ZoneInfo("Asia/Kolkata")))
    return created.id


def _statement_line_id(session: Session) -> int:
    content = b"Date,Narration,Reference,Amount,Dr/Cr\n07/12/2026,UPI GIFT,334500000009,50,Cr\n"
    statement_service.import_statement(
        session, content, file_name="s.csv", mapping_name="generic", actor=factories.ACTOR
    )
    found = session.scalar(select(StatementLine.id).order_by(StatementLine.id.desc()))
    assert found is not None
    return found


def _message_id(session: Session, customer_id: int) -> int:
    outbox.low_balance(session, customer_id=customer_id, balance_paise=100, threshold_paise=200)
    found = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    assert found is not None
    return found


class Records:
    """Real ids for every path parameter, and logins of every role."""

    def __init__(self, session: Session, logins: dict[str, Login]) -> None:
        self.logins = logins
        own = logins[CUSTOMER].user.customer_id
        assert own is not None
        other_customer = factories.customer_user(session, name="Another customer")
        assert other_customer.customer_id is not None
        self.own: dict[str, int | str] = {
            "customer_id": own,
            **_orders_of(session, own),
            "invoice_id": billing_factories.issued_invoice(session, own).id,
        }
        self.others: dict[str, int | str] = {
            **_orders_of(session, other_customer.customer_id),
            "invoice_id": billing_factories.issued_invoice(session, other_customer.customer_id).id,
            "customer_id": other_customer.customer_id,
            "user_id": factories.delivery_boy_user(session, name="Another boy").id,
            "product_id": factories.product(session).id,
            "route_id": factories.route(session).id,
            "link_id": _link_id(session),
            "line_id": _statement_line_id(session),
            "token": "an-unknown-token",
            "message_id": _message_id(session, other_customer.customer_id),
            "channel": "whatsapp",
            "table": "hsn",
            "sale_id": 999_999,  # admins only: whether it exists is not the question here
            "type_id": container_service.create_type(
                session, factories.ACTOR, name="Test crate", deposit_paise=10000
            ).id,
            "offer_id": offer_service.create_offer(
                session,
                clock.today(ZoneInfo("Asia/Kolkata")) + dt.timedelta(days=3),
                factories.product(session).id,
                "Festival curd",
                "",
                factories.ACTOR,
                EVERY_HUB,
                today=clock.today(ZoneInfo("Asia/Kolkata")),
            ).id,
        }

    def url(self, path: str, values: dict[str, int | str] | None = None) -> str:
        params = {**self.others, **(values or {})}
        names = re.findall(r"{(\w+)}", path)
        missing = [name for name in names if name not in params]
        assert not missing, f"add a real record for {missing} to Records in {__file__}"
        return API_PREFIX + path.format(**params)


@pytest.fixture
def records(session: Session, admin: Login, delivery_boy: Login, customer: Login) -> Records:
    return Records(session, {ADMIN: admin, DELIVERY_BOY: delivery_boy, CUSTOMER: customer})


def _call(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH", "DELETE") else None
    return client.request(method, url, headers=headers, json=body)


@pytest.mark.parametrize(("method", "path"), sorted(RULES))
def test_authorization(client: TestClient, records: Records, method: str, path: str) -> None:
    allowed = RULES[(method, path)]
    url = records.url(path)

    anonymous = _call(client, method, url, {})
    if SIGNED in allowed:
        if anonymous.status_code == 404:  # no payment gateway configured: no webhook to call
            assert anonymous.json()["code"] == "gateway_not_configured", anonymous.text
            return
        assert anonymous.status_code == 403, anonymous.text
        return
    if PUBLIC in allowed:
        assert anonymous.status_code not in (401, 403), anonymous.text
        return
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.json()["code"] == "not_authenticated"

    for role in ROLES:
        login = records.logins[role]
        response = _call(client, method, url, login.headers)
        if role in allowed:
            assert response.status_code not in (401, 403), (role, response.text)
        elif role == CUSTOMER and OWN in allowed:
            # Another customer's record does not exist, as far as a customer can tell ...
            assert response.status_code == 404, (role, response.text)
            # ... while its own record answers.
            own = _call(client, method, records.url(path, records.own), login.headers)
            assert own.status_code not in (401, 403, 404), (role, own.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["code"] == "forbidden"
