"""Razorpay's Payment Links API (https://razorpay.com/docs/api/payments/payment-links/) and its
``payment_link.paid`` webhook.

Calls use HTTP basic auth with the key id and key secret against ``MILKRUN_RAZORPAY_API_URL``
(https://api.razorpay.com/v1). A link is asked for in paise and INR, with milkrun's
``reference_id``, the customer's name and phone, Razorpay's own SMS and e-mail off (the dairy
sends its own messages), an expiry and a callback URL. A webhook is genuine when
``X-Razorpay-Signature`` is the hex HMAC-SHA256 of the raw body under the webhook secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import httpx

from milkrun import clock
from milkrun.config import Settings
from milkrun.payments.errors import BadWebhookSignature, GatewayUnavailable
from milkrun.payments.gateways.base import GatewayLink, LinkPaid, LinkRequest
from milkrun.payments.models import PaymentMethod

# Razorpay's payment methods in milkrun's words: UPI and cards as such; net banking, wallets
# and pay-later reach the dairy's bank like a transfer.
METHODS = {"upi": PaymentMethod.upi, "card": PaymentMethod.card, "emi": PaymentMethod.card}
PAID_EVENT = "payment_link.paid"


def _when(seconds: Any) -> dt.datetime | None:
    try:
        value = int(seconds)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(value, dt.UTC) if value > 0 else None


def _phone(phone: str | None) -> str | None:
    """Razorpay wants the contact with its country code: ``+919845012345``."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+91{digits}" if len(digits) == 10 else f"+{digits}"


class Razorpay:
    name = "razorpay"

    def __init__(
        self,
        *,
        key_id: str,
        key_secret: str,
        webhook_secret: str,
        base_url: str = "https://api.razorpay.com/v1",
        timeout: float = 5.0,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.base_url = base_url.rstrip("/")
        self.auth = httpx.BasicAuth(key_id, key_secret)
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> Razorpay:
        return cls(
            key_id=settings.razorpay_key_id,
            key_secret=settings.razorpay_key_secret.get_secret_value(),
            webhook_secret=settings.razorpay_webhook_secret.get_secret_value(),
            base_url=settings.razorpay_api_url,
            timeout=settings.razorpay_timeout_seconds,
        )

    # --- the API ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = httpx.request(
                method,
                f"{self.base_url}{path}",
                json=body,
                auth=self.auth,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(f"Razorpay did not answer ({type(exc).__name__})") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            said = error.get("description") if isinstance(error, dict) else None
            raise GatewayUnavailable(
                f"Razorpay refused {method} {path} ({response.status_code}"
                + (f": {said})" if said else ")")
            )
        return answer

    @staticmethod
    def _link(answer: dict[str, Any]) -> GatewayLink:
        try:
            return GatewayLink(
                id=str(answer["id"]),
                url=str(answer["short_url"]),
                status=str(answer["status"]),
                amount_paise=int(answer["amount"]),
                reference=str(answer.get("reference_id") or ""),
                expires_at=_when(answer.get("expire_by")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise GatewayUnavailable(
                "Razorpay answered with a payment link of another shape"
            ) from exc

    def create_link(self, request: LinkRequest) -> GatewayLink:
        customer = {"name": request.customer_name[:100]}
        phone = _phone(request.customer_phone)
        if phone:
            customer["contact"] = phone
        if request.customer_email:
            customer["email"] = request.customer_email
        body: dict[str, Any] = {
            "amount": request.amount_paise,
            "currency": "INR",
            "accept_partial": False,
            "reference_id": request.reference,
            "description": request.description[:2048],
            "customer": customer,
            "notify": {"sms": False, "email": False},
            "reminder_enable": False,
            "expire_by": int(request.expires_at.timestamp()),
        }
        if request.callback_url:
            body["callback_url"] = request.callback_url
            body["callback_method"] = "get"
        return self._link(self._call("POST", "/payment_links", body))

    def fetch_link(self, link_id: str) -> GatewayLink:
        return self._link(self._call("GET", f"/payment_links/{link_id}"))

    def cancel_link(self, link_id: str) -> GatewayLink:
        return self._link(self._call("POST", f"/payment_links/{link_id}/cancel"))

    # --- the webhook --------------------------------------------------------------------------

    def verify_webhook(self, body: bytes, signature: str | None) -> None:
        if not self.webhook_secret:
            raise BadWebhookSignature("The Razorpay webhook is not configured")
        expected = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        if not signature or not hmac.compare_digest(signature.strip().lower(), expected):
            raise BadWebhookSignature("X-Razorpay-Signature does not match the body")

    def link_paid(self, body: bytes) -> LinkPaid | None:
        """The payment of a ``payment_link.paid`` event (``payload.payment_link.entity`` and
        ``payload.payment.entity``); None for other events, or a body of another shape."""
        try:
            event = json.loads(body)
            if not isinstance(event, dict) or event.get("event") != PAID_EVENT:
                return None
            link = event["payload"]["payment_link"]["entity"]
            payment = event["payload"]["payment"]["entity"]
            if payment.get("currency", "INR") != "INR":
                return None
            return LinkPaid(
                link_id=str(link["id"]),
                link_reference=str(link.get("reference_id") or ""),
                payment_id=str(payment["id"]),
                amount_paise=int(payment["amount"]),
                method=METHODS.get(str(payment.get("method")), PaymentMethod.bank),
                paid_at=_when(payment.get("created_at")) or clock.now(),
            )
        except (ValueError, KeyError, TypeError):
            return None
