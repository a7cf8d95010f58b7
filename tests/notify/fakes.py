"""Local stand-ins for the providers, speaking their protocols on loopback: the WhatsApp Cloud
API's messages endpoint and a DLT SMS provider's (one HTTP server), and an SMTP server
(aiosmtpd). Each counts what it delivered and honours the idempotency key: a request whose key
it has seen gets the first answer again and delivers nothing more."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

WHATSAPP_TOKEN = "fake-whatsapp-token"
SMS_KEY = "fake-sms-key"
PHONE_NUMBER_ID = "109876543210"
VERSION = "v21.0"


class FakeProviders:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []  # every request as received
        self.answers: dict[str, tuple[int, dict[str, Any]]] = {}  # by idempotency key
        self.delivered: Counter[str] = Counter()  # deliveries per idempotency key
        self.failures: list[int] = []  # statuses to answer the next requests with
        self.delay_seconds = 0.0  # how long each answer takes (a provider far away)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body not held 40 ms apart

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:  # what the fake has seen, for a bench in another process
                with fake.lock:
                    stats = {
                        "requests": len(fake.requests),
                        "delivered": sum(fake.delivered.values()),
                        "keys": len(fake.delivered),
                        "most_per_key": max(fake.delivered.values(), default=0),
                    }
                raw = json.dumps(stats).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if fake.delay_seconds:
                    time.sleep(fake.delay_seconds)
                status, answer = fake.handle(self.path, dict(self.headers), body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(
        self, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        headers = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            if self.failures:
                status = self.failures.pop(0)
                return status, {"error": {"message": f"fake failure {status}"}}
            if path == f"/{VERSION}/{PHONE_NUMBER_ID}/messages":
                expected, kind = f"Bearer {WHATSAPP_TOKEN}", "wamid"
            elif path == "/sms/send":
                expected, kind = f"Bearer {SMS_KEY}", "sms"
            else:
                return 404, {"error": "no such endpoint"}
            if headers.get("authorization") != expected:
                return 401, {"error": "bad token"}
            key = headers.get("idempotency-key", "")
            if key in self.answers:  # honoured: the first answer again, nothing delivered
                return self.answers[key]
            self.delivered[key] += 1
            n = sum(self.delivered.values())
            if kind == "wamid":
                answer = {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                    "messages": [{"id": f"wamid.fake{n}"}],
                }
            else:
                answer = {"id": f"sms-{n}", "status": "accepted"}
            self.answers[key] = (200, answer)
            return 200, answer

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)

    def bodies(self, path_part: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r["body"] for r in self.requests if path_part in r["path"]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeSmtp:
    """An SMTP server that keeps each message once per Message-ID."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: dict[str, Message] = {}
        self.received: Counter[str] = Counter()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        key = str(message["Message-ID"])
        with self.lock:
            self.received[key] += 1
            self.messages.setdefault(key, message)
        return "250 OK"

    def __enter__(self) -> FakeSmtp:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()


def serve_in_this_process(urls: Any) -> None:
    """Run the fake providers until killed, putting their URL on the queue ``urls`` (a bench
    runs them in a process of their own, so they do not share the relay's interpreter)."""
    with FakeProviders() as fake:
        urls.put(fake.url)
        threading.Event().wait()
