"""The request body limit: no request body larger than ``MILKRUN_MAX_BODY_BYTES`` is read.

A body is parsed (and validated) in the server's event loop, so one client sending megabytes of
junk JSON would stall every other request, /healthz included. A declared Content-Length over the
limit is refused before a byte is read; a body without one (chunked) is counted as it arrives
and refused as soon as it passes the limit. Either way: 413, a problem+json, before parsing.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = b"application/problem+json"


class BodyTooLarge(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {max_bytes} bytes")


def _problem(max_bytes: int) -> tuple[Message, Message]:
    body = json.dumps(
        {
            "type": "https://milkrun.dev/problems/payload-too-large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"The request body is larger than the limit of {max_bytes} bytes",
            "code": "payload_too_large",
        }
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", PROBLEM_JSON),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class BodyLimit:
    """ASGI middleware: refuse a request body over ``max_bytes`` with 413 before parsing it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        for message in _problem(self.max_bytes):
            await send(message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)
