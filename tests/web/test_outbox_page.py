"""The owner's outbox page: every message with its state and the month's count, the dead letters
sent again from the page (CSRF-checked), and a refusal that re-renders with the reason and
changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from milkrun.notify import consent, outbox
from milkrun.notify.models import MessageStatus, OutboxMessage
from tests import factories
from tests.factories import Login

URL = "/admin/messages"


def _message(session: Session, status: MessageStatus, **values: object) -> int:
    customer = factories.customer(session)
    outbox.enqueue(
        session,
        "payment_received",
        {"amount": "₹450.00", "number": "INV-1", "balance": "₹0.00"},
        customer_id=customer.id,
    )
    message_id = session.scalar(select(func.max(OutboxMessage.id)))
    assert message_id is not None
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=status.value, **values)
    )
    session.expire_all()
    return int(message_id)


def _as_admin(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    client.follow_redirects = False
    return client


def test_the_outbox_lists_messages_by_state_with_counts(
    client: TestClient, admin: Login, session: Session
) -> None:
    dead = _message(session, MessageStatus.dead, attempts=8, last_error="503 from the provider")
    sent = _message(session, MessageStatus.sent, attempts=1)
    page = _as_admin(client, admin).get(URL)
    assert page.status_code == 200
    assert f'id="message-{dead}"' in page.text
    assert f'id="message-{sent}"' in page.text
    assert "503 from the provider" in page.text
    assert "Failed (dead letter) (1)" in page.text
    assert "see the dead letters" in page.text
    only_dead = client.get(URL, params={"status": "dead"})
    assert f'id="message-{dead}"' in only_dead.text
    assert f'id="message-{sent}"' not in only_dead.text
    assert "Showing 1 of 1 message" in only_dead.text


def test_a_dead_letter_is_sent_again_from_the_page(
    client: TestClient, admin: Login, session: Session
) -> None:
    dead = _message(session, MessageStatus.dead, attempts=8, last_error="timeout")
    answer = _as_admin(client, admin).post(f"{URL}/{dead}/retry")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{URL}?retried={dead}"
    message = session.get(OutboxMessage, dead)
    assert message is not None
    assert (message.status, message.attempts, message.last_error) == ("pending", 0, None)
    assert "will be sent again" in client.get(answer.headers["location"]).text


def test_a_sent_message_is_not_sent_again_and_nothing_changes(
    client: TestClient, admin: Login, session: Session
) -> None:
    sent = _message(session, MessageStatus.sent, attempts=1)
    answer = _as_admin(client, admin).post(f"{URL}/{sent}/retry")
    assert answer.status_code == 409
    assert "only a dead or skipped message is sent again" in answer.text
    message = session.get(OutboxMessage, sent)
    assert message is not None
    assert (message.status, message.attempts) == ("sent", 1)
    assert _as_admin(client, admin).post(f"{URL}/999999/retry").status_code == 404


def test_a_retry_without_the_form_token_is_refused(
    client: TestClient, admin: Login, session: Session
) -> None:
    dead = _message(session, MessageStatus.dead, attempts=8)
    answer = _as_admin(client, admin).post(f"{URL}/{dead}/retry", csrf=False)
    assert answer.status_code == 403
    message = session.get(OutboxMessage, dead)
    assert message is not None
    assert message.status == "dead"


def test_others_are_sent_to_the_login(client: TestClient, delivery_boy: Login) -> None:
    client.cookies.set(TOKEN_COOKIE, delivery_boy.token)
    answer = client.get(URL, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_the_owner_records_a_customers_opt_in_and_sees_its_messages(
    client: TestClient, admin: Login, session: Session
) -> None:
    _message(session, MessageStatus.sent, attempts=1)
    customer_id = int(session.scalar(select(func.max(OutboxMessage.customer_id))) or 0)
    page = f"/admin/customers/{customer_id}"
    before = _as_admin(client, admin).get(page)
    assert "Not asked: nothing is sent" in before.text
    assert "payment_received" in before.text
    done = client.post(
        f"{page}/consents",
        data={"channel": "whatsapp", "opted_in": "true", "source": "paper form"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{page}?done=consent#messages"
    after = client.get(done.headers["location"])
    assert "Message preference recorded." in after.text
    assert "Opted in" in after.text
    assert "paper form" in after.text
    consents = consent.consents_of(session, customer_id)
    assert [(c.channel, c.is_opted_in, c.source) for c in consents] == [
        ("whatsapp", True, "paper form")
    ]


def test_a_consent_for_the_log_channel_is_refused_and_nothing_is_recorded(
    client: TestClient, admin: Login, session: Session
) -> None:
    customer = factories.customer(session)
    answer = _as_admin(client, admin).post(
        f"/admin/customers/{customer.id}/consents",
        data={"channel": "log", "opted_in": "true", "source": "paper form"},
    )
    assert answer.status_code == 400
    assert "Choose WhatsApp, SMS or email" in answer.text
    assert list(consent.consents_of(session, customer.id)) == []
    no_source = client.post(
        f"/admin/customers/{customer.id}/consents",
        data={"channel": "sms", "opted_in": "true", "source": ""},
    )
    assert no_source.status_code == 400
    assert "Say how the customer told you" in no_source.text
    assert list(consent.consents_of(session, customer.id)) == []
