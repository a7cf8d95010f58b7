"""The Razorpay adapter against a local Razorpay: what it asks for, with which credentials, and
what it makes of the answers and of a gateway that fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from milkrun.payments.errors import BadWebhookSignature, GatewayUnavailable
from milkrun.payments.gateways.base import LinkRequest
from milkrun.payments.gateways.razorpay import Razorpay
from milkrun.payments.models import PaymentMethod
from tests.payments.fake_razorpay import (
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    FakeRazorpay,
    paid_event,
)

EXPIRES = dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC)


def adapter(fake: FakeRazorpay, secret: str = KEY_SECRET) -> Razorpay:
    return Razorpay(
        key_id=KEY_ID,
        key_secret=secret,
        webhook_secret=WEBHOOK_SECRET,
        base_url=fake.url,
        timeout=2.0,
    )


def request(reference: str = "MR2627000001-a1b2c3d4") -> LinkRequest:
    return LinkRequest(
        amount_paise=4250,
        reference=reference,
        description="Nandini Fresh Dairy: bill MR/2627/000001",
        customer_name="Asha Iyer",
        customer_phone="98450 12345",
        customer_email=None,
        expires_at=EXPIRES,
        callback_url="https://milk.example.in/b/paid",
    )


def test_a_link_is_asked_for_in_paise_with_our_reference_and_no_razorpay_messages(
    razorpay: FakeRazorpay,
) -> None:
    link = adapter(razorpay).create_link(request())

    (sent,) = razorpay.requests
    assert sent["amount"] == 4250
    assert sent["currency"] == "INR"
    assert sent["reference_id"] == "MR2627000001-a1b2c3d4"
    assert sent["customer"] == {"name": "Asha Iyer", "contact": "+919845012345"}
    assert sent["notify"] == {"sms": False, "email": False}
    assert sent["reminder_enable"] is False
    assert sent["accept_partial"] is False
    assert sent["expire_by"] == int(EXPIRES.timestamp())
    assert (sent["callback_url"], sent["callback_method"]) == (
        "https://milk.example.in/b/paid",
        "get",
    )
    assert link.id.startswith("plink_")
    assert link.url.startswith("https://rzp.io/i/")
    assert (link.status, link.amount_paise, link.expires_at) == ("created", 4250, EXPIRES)


def test_fetch_and_cancel(razorpay: FakeRazorpay) -> None:
    gateway = adapter(razorpay)
    made = gateway.create_link(request())
    assert gateway.fetch_link(made.id).status == "created"
    assert gateway.cancel_link(made.id).status == "cancelled"
    with pytest.raises(GatewayUnavailable, match="cannot be cancelled as it is cancelled"):
        gateway.cancel_link(made.id)
    assert razorpay.calls == {"create": 1, "fetch": 1, "cancel": 2}


def test_wrong_keys_an_outage_and_a_gateway_that_is_down_are_gateway_unavailable(
    razorpay: FakeRazorpay,
) -> None:
    with pytest.raises(GatewayUnavailable, match="401: Authentication failed"):
        adapter(razorpay, secret="wrong").create_link(request())
    razorpay.failures.append(503)
    with pytest.raises(GatewayUnavailable, match="503"):
        adapter(razorpay).create_link(request())
    assert razorpay.links == {}
    down = Razorpay(
        key_id=KEY_ID,
        key_secret=KEY_SECRET,
        webhook_secret="s",
        base_url="http://127.0.0.1:9/v1",
        timeout=0.5,
    )
    with pytest.raises(GatewayUnavailable, match="did not answer"):
        down.create_link(request())


def test_a_reused_reference_is_refused_as_razorpay_does(razorpay: FakeRazorpay) -> None:
    gateway = adapter(razorpay)
    gateway.create_link(request())
    with pytest.raises(GatewayUnavailable, match="already exists"):
        gateway.create_link(request())


def test_the_webhook_signature_is_the_hmac_of_the_raw_body(razorpay: FakeRazorpay) -> None:
    gateway = adapter(razorpay)
    made = gateway.create_link(request())
    body = razorpay.pay(made.id, method="card", payment_id="pay_Card0001")
    good = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    gateway.verify_webhook(body, good)
    for bad in (None, "", "0" * 64, hmac.new(b"other", body, hashlib.sha256).hexdigest()):
        with pytest.raises(BadWebhookSignature):
            gateway.verify_webhook(body, bad)
    with pytest.raises(BadWebhookSignature):
        gateway.verify_webhook(body + b" ", good)  # the raw body, byte for byte

    paid = gateway.link_paid(body)
    assert paid is not None
    assert (paid.link_id, paid.payment_id, paid.amount_paise) == (made.id, "pay_Card0001", 4250)
    assert paid.method == PaymentMethod.card
    assert paid.link_reference == "MR2627000001-a1b2c3d4"


@pytest.mark.parametrize(
    ("method", "ours"),
    [("upi", PaymentMethod.upi), ("card", PaymentMethod.card), ("netbanking", PaymentMethod.bank)],
)
def test_razorpays_methods_in_ours(method: str, ours: PaymentMethod) -> None:
    link = {"id": "plink_X", "amount": 100, "reference_id": "R", "status": "paid"}
    paid = Razorpay(key_id="k", key_secret="s", webhook_secret="w").link_paid(
        paid_event(link, method=method)
    )
    assert paid is not None
    assert paid.method == ours


def test_other_events_and_other_shapes_are_not_payments() -> None:
    gateway = Razorpay(key_id="k", key_secret="s", webhook_secret="w")
    assert gateway.link_paid(b'{"event": "payment.captured", "payload": {}}') is None
    assert gateway.link_paid(b'{"event": "payment_link.paid", "payload": {}}') is None
    assert gateway.link_paid(b"not json") is None
    assert gateway.link_paid(b"[]") is None
