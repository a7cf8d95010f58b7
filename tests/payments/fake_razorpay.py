"""A local Razorpay: the Payment Links API on loopback, speaking Razorpay's JSON shapes.

``POST /v1/payment_links`` (with basic auth key_id:key_secret, refused 401 otherwise), ``GET
/v1/payment_links/{id}``, ``POST /v1/payment_links/{id}/cancel``; a ``reference_id`` already
used is refused 400 as Razorpay does, a cancel of a link that is not ``created`` too. It keeps
the links, counts the calls, and can be told to fail the next calls (an outage). ``paid_event``
builds the ``payment_link.paid`` webhook body Razorpay would post for a link."""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY_ID = "rzp_test_fakekey00001"
KEY_SECRET = "fake-razorpay-key-secret"
WEBHOOK_SECRET = "fake-razorpay-webhook-secret"
LINK_PATH = re.compile(r"^/v1/payment_links/(plink_[A-Za-z0-9]+)(/cancel)?$")


def _error(description: str, code: str = "BAD_REQUEST_ERROR") -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "description": description,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
        }
    }


class FakeRazorpay:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.links: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()  # "POST /payment_links", "GET", "cancel"
        self.requests: list[dict[str, Any]] = []  # bodies of the create calls
        self.failures: list[int] = []  # statuses to answer the next calls with
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _authorized(self) -> bool:
                expected = base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length) if length else b""
                if not self._authorized():
                    self._answer(401, _error("Authentication failed"))
                    return
                with fake.lock:
                    failure = fake.failures.pop(0) if fake.failures else None
                if failure is not None:
                    self._answer(failure, _error("Server error", "SERVER_ERROR"))
                    return
                status, body = fake.handle(method, self.path, json.loads(raw) if raw else None)
                self._answer(status, body)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRazorpay:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if method == "POST" and path == "/v1/payment_links":
                self.calls["create"] += 1
                return self._create(body or {})
            found = LINK_PATH.match(path)
            if not found or found.group(1) not in self.links:
                return 400, _error("The id provided does not exist")
            link = self.links[found.group(1)]
            if method == "GET" and not found.group(2):
                self.calls["fetch"] += 1
                return 200, link
            if method == "POST" and found.group(2):
                self.calls["cancel"] += 1
                if link["status"] != "created":
                    said = f"Payment Link cannot be cancelled as it is {link['status']}"
                    return 400, _error(said)
                link.update(status="cancelled", cancelled_at=int(time.time()))
                return 200, link
            return 404, _error("The requested URL was not found on the server.")

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        amount = body.get("amount")
        if not isinstance(amount, int) or amount < 100 or body.get("currency") != "INR":
            return 400, _error("The amount must be atleast INR 1.00")
        reference = body.get("reference_id")
        if any(link["reference_id"] == reference for link in self.links.values()):
            return 400, _error(f"Payment Link with reference {reference} already exists")
        link_id = "plink_" + secrets.token_hex(7)
        now = int(time.time())
        link = {
            "accept_partial": body.get("accept_partial", False),
            "amount": amount,
            "amount_paid": 0,
            "callback_method": body.get("callback_method", ""),
            "callback_url": body.get("callback_url", ""),
            "cancelled_at": 0,
            "created_at": now,
            "currency": "INR",
            "customer": body.get("customer", {}),
            "description": body.get("description", ""),
            "expire_by": body.get("expire_by", 0),
            "expired_at": 0,
            "first_min_partial_amount": 0,
            "id": link_id,
            "notes": body.get("notes"),
            "notify": body.get("notify", {"email": True, "sms": True}),
            "payments": None,
            "reference_id": reference,
            "reminder_enable": body.get("reminder_enable", True),
            "reminders": [],
            "short_url": f"https://rzp.io/i/{link_id[6:14]}",
            "status": "created",
            "updated_at": now,
            "user_id": "",
        }
        self.links[link_id] = link
        return 200, link

    def pay(self, link_id: str, method: str = "upi", payment_id: str | None = None) -> bytes:
        """The customer pays the link: it is ``paid`` here, and the webhook body Razorpay posts."""
        with self.lock:
            link = self.links[link_id]
            link.update(status="paid", amount_paid=link["amount"])
            return paid_event(link, method=method, payment_id=payment_id)


def paid_event(
    link: dict[str, Any], *, method: str = "upi", payment_id: str | None = None
) -> bytes:
    """Razorpay's ``payment_link.paid`` webhook body for a paid link (its documented shape)."""
    now = int(time.time())
    payment_id = payment_id or "pay_" + secrets.token_hex(7)
    payment = {
        "id": payment_id,
        "entity": "payment",
        "amount": link["amount"],
        "currency": "INR",
        "status": "captured",
        "order_id": "order_" + secrets.token_hex(7),
        "invoice_id": None,
        "international": False,
        "method": method,
        "amount_refunded": 0,
        "refund_status": None,
        "captured": True,
        "description": link.get("description"),
        "card_id": "card_" + secrets.token_hex(7) if method == "card" else None,
        "bank": "HDFC" if method == "netbanking" else None,
        "wallet": None,
        "vpa": "asha@okhdfcbank" if method == "upi" else None,
        "email": "void@razorpay.com",
        "contact": link.get("customer", {}).get("contact", "+919000000000"),
        "notes": [],
        "fee": 236,
        "tax": 36,
        "error_code": None,
        "error_description": None,
        "acquirer_data": {"rrn": "631012345678"} if method == "upi" else {},
        "created_at": now,
    }
    event = {
        "entity": "event",
        "account_id": "acc_FakeAccount001",
        "event": "payment_link.paid",
        "contains": ["payment_link", "order", "payment"],
        "payload": {
            "payment_link": {"entity": {**link, "status": "paid", "amount_paid": link["amount"]}},
            "order": {
                "entity": {
                    "id": payment["order_id"],
                    "entity": "order",
                    "amount": link["amount"],
                    "amount_paid": link["amount"],
                    "amount_due": 0,
                    "currency": "INR",
                    "receipt": link["reference_id"],
                    "status": "paid",
                    "attempts": 1,
                    "created_at": now,
                }
            },
            "payment": {"entity": payment},
        },
        "created_at": now,
    }
    return json.dumps(event).encode()
