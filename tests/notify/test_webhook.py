"""WhatsApp's delivery-status webhook: the subscription handshake, and statuses applied only
when the call is signed with the app secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.notify import outbox
from tests import factories
from tests.conftest import make_client
from tests.notify.conftest import messages

URL = "/api/v1/webhooks/whatsapp"


def signed(body: bytes, secret: str = "fake-app-secret") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def status_call(wamid: str, status: str, timestamp: int = 1_796_000_000) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "statuses": [
            {"id": wamid, "status": status, "timestamp": str(timestamp), "recipient_id": "91"}
        ],
    }
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    return json.dumps(payload).encode()


def sent_message(session: Session) -> int:
    customer = factories.customer(session)
    outbox.low_balance(session, customer_id=customer.id, balance_paise=100, threshold_paise=200)
    [message] = messages(session)
    message.status = "sent"
    message.provider_message_id = "wamid.ABC"
    session.flush()
    return message.id


def test_the_handshake_answers_the_challenge_only_for_our_token(
    live: Settings, database: Database
) -> None:
    with make_client(live, database) as client:
        ok = client.get(
            URL,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "fake-verify-token",
                "hub.challenge": "1158201444",
            },
        )
        assert (ok.status_code, ok.text) == (200, "1158201444")
        wrong = client.get(
            URL,
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        )
        assert wrong.status_code == 403


def test_a_signed_status_updates_the_message_and_never_goes_back(
    session: Session, live: Settings, database: Database
) -> None:
    sent_message(session)
    with make_client(live, database) as client:
        for status in ("delivered", "read", "delivered"):
            body = status_call("wamid.ABC", status)
            answer = client.post(URL, content=body, headers=signed(body))
            assert answer.status_code == 200
    [message] = messages(session)
    assert message.delivery_status == "read"
    assert message.delivery_status_at == dt.datetime.fromtimestamp(1_796_000_000, dt.UTC)


def test_an_unsigned_or_forged_call_is_refused_and_changes_nothing(
    session: Session, live: Settings, database: Database
) -> None:
    sent_message(session)
    body = status_call("wamid.ABC", "delivered")
    with make_client(live, database) as client:
        assert client.post(URL, content=body).status_code == 403
        forged = client.post(URL, content=body, headers=signed(body, "someone-elses-secret"))
        assert forged.status_code == 403
        assert forged.json()["code"] == "bad_signature"
        tampered = client.post(
            URL, content=body.replace(b"delivered", b"read"), headers=signed(body)
        )
        assert tampered.status_code == 403
    assert messages(session)[0].delivery_status is None


def test_without_an_app_secret_the_webhook_refuses_everything(
    session: Session, settings: Settings, database: Database
) -> None:
    body = status_call("wamid.ABC", "delivered")
    with make_client(settings, database) as client:
        assert client.post(URL, content=body, headers=signed(body, "")).status_code == 403


def test_a_signed_call_about_nothing_of_ours_or_not_json_changes_nothing(
    session: Session, live: Settings, database: Database
) -> None:
    sent_message(session)
    with make_client(live, database) as client:
        odd = (
            b'{"entry": 5}',
            b'{"entry": [{"changes": 5}]}',
            b'{"entry": [{"changes": [{"value": {"statuses": [7, {"status": "lost"}]}}]}]}',
            b"[1, 2]",
        )
        for body in (status_call("wamid.OTHER", "read"), b"not json", *odd):
            answer = client.post(URL, content=body, headers=signed(body))
            assert answer.status_code == 200
            assert answer.json() == {"updated": 0}
    assert messages(session)[0].delivery_status is None
