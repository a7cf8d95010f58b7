"""The relay against the local fakes of WhatsApp's Cloud API, a DLT SMS provider and SMTP: real
requests on loopback, retries with backoff, dead letters, quiet hours, the cap, and a relay that
dies between sending and recording."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.links.models import SharedDeliveryLink
from milkrun.notify import outbox, relay
from milkrun.notify.channels import open_channels
from milkrun.notify.models import Channel, MessageStatus
from milkrun.notify.templates import REGISTRY
from tests import factories
from tests.conftest import make_client
from tests.notify.conftest import messages, opted_in
from tests.notify.fakes import FakeProviders, FakeSmtp

MORNING = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)  # 10:30 in Bengaluru
NIGHT = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)  # 22:30 in Bengaluru


def relay_once(database: Database, settings: Settings) -> relay.PassReport:
    channels = open_channels(settings)
    try:
        return relay.relay_once(database, settings, channels)
    finally:
        for channel in channels.values():
            channel.close()


def receipt(session: Session, customer_id: int, amount_paise: int = 85000) -> None:
    outbox.payment_recorded(
        session,
        payment_id=1,
        customer_id=customer_id,
        amount_paise=amount_paise,
        method="upi",
        received_at=MORNING,
    )


def test_the_default_log_channel_sends_nothing_anywhere(
    session: Session, database: Database, settings: Settings, providers: FakeProviders
) -> None:
    clock.freeze(MORNING)
    customer = factories.customer(session)
    receipt(session, customer.id)
    assert settings.channels == ["log"]

    report = relay_once(database, settings)

    assert report.counts == {"sent": 1}
    [message] = messages(session)
    assert (message.status, message.channel, message.recipient) == ("sent", "log", customer.phone)
    assert message.sent_at == MORNING
    assert providers.requests == []


def test_whatsapp_gets_the_template_in_the_customers_language_with_the_key(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.whatsapp, language="hi")
    receipt(session, customer.id)

    assert relay_once(database, live).counts == {"sent": 1}

    [message] = messages(session)
    [request] = providers.requests
    assert request["path"] == "/v21.0/109876543210/messages"
    assert request["headers"]["idempotency-key"] == message.idempotency_key
    body = request["body"]
    assert body["to"] == customer.phone.removeprefix("+")
    assert body["type"] == "template"
    assert body["biz_opaque_callback_data"] == message.idempotency_key
    assert body["template"]["name"] == "milkrun_payment_received"
    assert body["template"]["language"] == {"code": "hi"}
    parameters = body["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == ["850.00", "UPI", "07-12-2026"]
    assert (message.status, message.channel, message.language) == ("sent", "whatsapp", "hi")
    assert message.provider_message_id == "wamid.fake1"


def test_sms_carries_the_dlt_fields_and_the_registered_text(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.sms, language="kn")
    outbox.delivery_marked(
        session,
        delivery_order(customer.id),
        "not_delivered",
        "customer_unavailable",
    )

    assert relay_once(database, live).counts == {"sent": 1}

    [body] = providers.bodies("/sms/send")
    template = REGISTRY["not_delivered"]
    assert body["dlt_entity_id"] == "1101234567890123456"
    assert body["dlt_template_id"] == template.dlt_template_id
    assert body["header"] == "NANDNI"
    assert body["unicode"] is True
    assert "ಮನೆಯಲ್ಲಿ ಯಾರೂ ಇರಲಿಲ್ಲ" in body["text"]  # the reason, in Kannada
    # What is sent fits the text registered on the DLT platform, variable by variable.
    registered = re.escape(template.dlt_registered_text("kn")).replace(r"\{\#var\#\}", ".+")
    assert re.fullmatch(registered, body["text"])


class delivery_order:
    def __init__(self, customer_id: int) -> None:
        self.id = 1
        self.customer_id = customer_id
        self.delivery_date = dt.date(2026, 12, 7)


def test_email_goes_over_smtp_with_the_key_as_message_id(
    session: Session, database: Database, live: Settings, smtp: FakeSmtp
) -> None:
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.email, email="asha@example.in")
    receipt(session, customer.id)

    assert relay_once(database, live).counts == {"sent": 1}

    [message] = messages(session)
    [(message_id, received)] = smtp.messages.items()
    assert message_id == f"<{message.idempotency_key}@nandini.example>"
    assert received["To"] == "asha@example.in"
    assert received["Subject"] == "Nandini Fresh Dairy: Payment received"
    assert "we received Rs 850.00 by UPI on 07-12-2026" in received.get_payload()
    assert message.channel == "email"


def test_the_first_channel_the_customer_opted_into_wins(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.sms)  # not WhatsApp, though it comes first
    receipt(session, customer.id)
    relay_once(database, live)
    assert [m.channel for m in messages(session)] == ["sms"]
    assert providers.bodies("/messages") == []


def test_without_an_opt_in_a_message_is_skipped_and_can_be_retried_after_one(
    session: Session,
    database: Database,
    live: Settings,
    providers: FakeProviders,
    admin: factories.Login,
) -> None:
    clock.freeze(MORNING)
    customer = factories.customer(session)
    receipt(session, customer.id)

    assert relay_once(database, live).counts == {"skipped": 1}
    [message] = messages(session)
    assert message.last_error == "no channel the recipient opted into"
    assert providers.requests == []

    with make_client(live, database) as client:
        opt_in = client.put(
            f"/api/v1/customers/{customer.id}/message-consents/whatsapp",
            json={"opted_in": True, "source": "phone call"},
            headers=admin.headers,
        )
        assert opt_in.status_code == 200
        assert opt_in.json()["source"] == "phone call"
        retried = client.post(f"/api/v1/outbox/{message.id}/retry", headers=admin.headers)
        assert retried.status_code == 200
        assert retried.json()["status"] == "pending"

    assert relay_once(database, live).counts == {"sent": 1}
    assert len(providers.bodies("/messages")) == 1


def test_a_failed_send_is_retried_with_exponential_backoff_then_dead(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    settings = live.model_copy(update={"notify_max_attempts": 3})
    customer = opted_in(session, Channel.whatsapp)
    clock.freeze(MORNING)
    receipt(session, customer.id)
    providers.fail_next(500, 503, 500)

    waits = []
    at = MORNING
    for _attempt in range(3):
        clock.freeze(at)
        assert relay_once(database, settings).claimed == 1
        [message] = messages(session)
        waits.append(message.next_attempt_at - at)
        at = message.next_attempt_at
        # Not due before its time.
        clock.freeze(at - dt.timedelta(seconds=1))
        assert relay_once(database, settings).claimed == 0

    [message] = messages(session)
    assert (message.status, message.attempts) == ("dead", 3)
    assert message.dead_at == MORNING + waits[0] + waits[1]
    assert waits[:2] == [dt.timedelta(seconds=30), dt.timedelta(seconds=60)]
    assert "HTTP 500" in (message.last_error or "")


def test_a_refused_request_is_dead_at_once_and_listed_for_the_owner(
    session: Session,
    database: Database,
    live: Settings,
    providers: FakeProviders,
    admin: factories.Login,
) -> None:
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.whatsapp)
    receipt(session, customer.id)
    providers.fail_next(400)

    assert relay_once(database, live).counts == {"dead": 1}

    with make_client(live, database) as client:
        dead = client.get("/api/v1/outbox/dead-letters", headers=admin.headers).json()
        [letter] = dead["items"]
        assert letter["template"] == "payment_received"
        assert letter["attempts"] == 1
        assert "fake failure 400" in letter["last_error"]
        assert "params" not in letter
        retried = client.post(f"/api/v1/outbox/{letter['id']}/retry", headers=admin.headers)
        assert retried.status_code == 200
        again = client.post(f"/api/v1/outbox/{letter['id']}/retry", headers=admin.headers)
        assert again.status_code == 409
        assert again.json()["code"] == "message_not_retriable"
        assert client.post("/api/v1/outbox/999999/retry", headers=admin.headers).status_code == 404
        assert client.get("/api/v1/outbox/dead-letters", headers=admin.headers).json() == {
            "items": [],
            "next_cursor": None,
        }

    assert relay_once(database, live).counts == {"sent": 1}


def test_quiet_hours_hold_non_urgent_messages_until_morning(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    customer = opted_in(session, Channel.whatsapp)
    clock.freeze(NIGHT)
    receipt(session, customer.id)  # not urgent
    factories.pause(session, customer_id=customer.id, start=dt.date(2026, 12, 8))  # urgent

    assert relay_once(database, live).counts == {"sent": 1}
    assert [m.template for m in messages(session, status="sent")] == ["pause_open_confirmed"]
    assert [m.template for m in messages(session, status="pending")] == ["payment_received"]

    clock.freeze(dt.datetime(2026, 12, 8, 1, 29, tzinfo=dt.UTC))  # 06:59
    assert relay_once(database, live).claimed == 0
    clock.freeze(dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.UTC))  # 07:00
    assert relay_once(database, live).counts == {"sent": 1}


def test_the_monthly_cap_holds_messages_and_the_count_is_shown(
    session: Session,
    database: Database,
    live: Settings,
    providers: FakeProviders,
    admin: factories.Login,
) -> None:
    settings = live.model_copy(update={"notify_monthly_cap": 2})
    customer = opted_in(session, Channel.whatsapp)
    clock.freeze(MORNING)
    for n in range(3):
        receipt(session, customer.id, 1000 + n)

    assert relay_once(database, settings).counts == {"sent": 2}
    assert relay_once(database, settings).claimed == 0
    with make_client(settings, database) as client:
        usage = client.get("/api/v1/outbox/usage", headers=admin.headers)
        assert usage.json() == {"month": "2026-12", "sent": 2, "cap": 2, "remaining": 0}

    clock.freeze(dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC))  # 05:30 on 1 Jan: urgent only
    assert relay_once(database, settings).claimed == 0
    clock.freeze(dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC))
    assert relay_once(database, settings).counts == {"sent": 1}


def test_a_relay_that_died_after_sending_is_not_sent_twice(
    session: Session, database: Database, live: Settings, providers: FakeProviders
) -> None:
    """Claimed and sent, but never recorded (the process was killed): after the lease, another
    pass sends it again with the same key, and the provider delivers it once."""
    clock.freeze(MORNING)
    customer = opted_in(session, Channel.whatsapp)
    receipt(session, customer.id)
    channels = open_channels(live)
    with database.session_scope() as scope:
        batch = relay.claim(scope, live, batch=10, now=MORNING)
        addresses = relay._addresses(scope, live, batch.messages)
    [claimed] = batch.messages
    relay.send(claimed, addresses[claimed.id], channels, live)  # ... and the relay dies here
    channels[Channel.whatsapp].close()

    clock.freeze(MORNING + dt.timedelta(seconds=live.notify_lease_seconds - 1))
    assert relay_once(database, live).claimed == 0  # still the dead relay's
    clock.freeze(MORNING + dt.timedelta(seconds=live.notify_lease_seconds))
    assert relay_once(database, live).counts == {"sent": 1}

    [message] = messages(session)
    assert message.attempts == 2
    assert len(providers.requests) == 2
    assert providers.delivered == {message.idempotency_key: 1}
    # The dead relay's late record changes nothing: its claim token is gone.
    with database.session_scope() as scope:
        outcome = relay.Outcome(claimed, MessageStatus.dead, error="late")
        relay.record(scope, live, batch.token, [outcome], clock.now())
    assert messages(session)[0].status == "sent"


def test_a_links_url_does_not_outlive_its_message(
    session: Session, database: Database, settings: Settings
) -> None:
    clock.freeze(MORNING)
    link, token = _link(session)
    outbox.delivery_link_shared(session, link, "+919845012345", f"http://x/l/{token}")
    relay_once(database, settings)
    [message] = messages(session)
    assert message.status == "sent"
    assert token not in str(message.params)


def _link(session: Session) -> tuple[SharedDeliveryLink, str]:
    from tests.deliveries import factories as delivery_factories

    route = factories.route(session)
    link, token = delivery_factories.link(session, route, dt.date(2026, 12, 8))
    return link, token


def test_the_owner_lists_messages_and_previews_every_template(
    session: Session, client: TestClient, admin: factories.Login
) -> None:
    customer = factories.customer(session)
    receipt(session, customer.id)
    listed = client.get(
        "/api/v1/outbox", params={"status": "pending"}, headers=admin.headers
    ).json()
    assert [m["template"] for m in listed["items"]] == ["payment_received"]
    assert (
        client.get("/api/v1/outbox", params={"status": "lost"}, headers=admin.headers).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/outbox",
            headers=factories.login(session, factories.delivery_boy_user(session)).headers,
        ).status_code
        == 403
    )

    templates = client.get("/api/v1/outbox/templates", headers=admin.headers).json()
    assert {t["name"] for t in templates} == set(REGISTRY)
    bill = next(t for t in templates if t["name"] == "not_delivered")
    hindi = next(v for v in bill["variants"] if v["language"] == "hi")
    assert "घर पर कोई नहीं था" in hindi["preview"]
    assert "{#var#}" in hindi["dlt_registered_text"]


@pytest.mark.committed
def test_two_relays_claiming_at_once_take_different_messages(
    committed_database: Database, settings: Settings
) -> None:
    """PostgreSQL: the second claim skips the rows the first holds (SKIP LOCKED); SQLite: it
    waits for the first (one writer) and finds them claimed."""
    clock.freeze(MORNING)
    with committed_database.session_scope() as session:
        customer = factories.customer(session)
        for n in range(6):
            receipt(session, customer.id, 100 + n)
    now = clock.now()
    first = committed_database.writer()
    try:
        mine = relay.claim(first, settings, batch=4, now=now)
        theirs: list[relay.Batch] = []
        other = threading.Thread(
            target=lambda: theirs.append(_claim_in_own_session(committed_database, settings, now))
        )
        other.start()
        time.sleep(0.3)
        first.commit()
    finally:
        first.close()
    other.join(10)
    taken = {m.id for m in mine.messages}
    taken_by_other = {m.id for m in theirs[0].messages}
    assert len(taken) == 4
    assert len(taken_by_other) == 2
    assert not taken & taken_by_other


def _claim_in_own_session(database: Database, settings: Settings, now: dt.datetime) -> relay.Batch:
    with database.session_scope() as session:
        return relay.claim(session, settings, batch=10, now=now)
