"""WhatsApp's delivery-status webhook: verified, then applied to the messages it is about.

Meta signs each call with ``X-Hub-Signature-256: sha256=<hex>``, the HMAC-SHA256 of the raw body
with the app secret; a call without a valid signature is refused and changes nothing. The
subscription handshake (GET with ``hub.mode=subscribe``, ``hub.verify_token``,
``hub.challenge``) answers the challenge when the verify token is ours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.notify.errors import BadSignature
from milkrun.notify.outbox import MESSAGES

# A status only moves forward: a late "sent" does not undo "read".
RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


def verify_signature(body: bytes, header: str | None, app_secret: str) -> None:
    if not app_secret:
        raise BadSignature("The WhatsApp webhook is not configured (MILKRUN_WHATSAPP_APP_SECRET)")
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    if not header or not hmac.compare_digest(header.strip().lower(), expected):
        raise BadSignature("X-Hub-Signature-256 does not match the body")


def verify_subscription(mode: str | None, token: str | None, verify_token: str) -> bool:
    return (
        mode == "subscribe"
        and bool(verify_token)
        and token is not None
        and hmac.compare_digest(token, verify_token)
    )


def _items(value: Any, key: str) -> list[Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, list) else []


def statuses_of(payload: Any) -> list[dict[str, Any]]:
    """The statuses in a webhook body (``entry[].changes[].value.statuses[]``); anything of
    another shape is ignored, never an error."""
    return [
        status
        for entry in _items(payload, "entry")
        for change in _items(entry, "changes")
        for status in _items(change.get("value") if isinstance(change, dict) else None, "statuses")
        if isinstance(status, dict) and status.get("status") in RANK
    ]


_APPLY = (
    update(MESSAGES)
    .where(
        or_(
            MESSAGES.c.provider_message_id == bindparam("wamid"),
            MESSAGES.c.idempotency_key == bindparam("key"),
        ),
        or_(
            MESSAGES.c.delivery_status.is_(None),
            MESSAGES.c.delivery_status.in_(bindparam("lower", expanding=True)),
        ),
    )
    .values(
        delivery_status=bindparam("new_status"),
        delivery_status_at=bindparam("at", type_=MESSAGES.c.delivery_status_at.type),
    )
)


def apply_statuses(session: Session, body: bytes) -> int:
    """Record each status of a verified webhook body on its message; returns how many
    messages changed. Statuses of messages this dairy did not send are ignored."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 0
    changed = 0
    for status in statuses_of(payload):
        rank = RANK[status["status"]]
        try:
            at = dt.datetime.fromtimestamp(int(status["timestamp"]), dt.UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            at = clock.now()
        result = session.execute(
            _APPLY,
            {
                "wamid": str(status.get("id", ""))[:200],
                "key": str(status.get("biz_opaque_callback_data", ""))[:36],
                "lower": [s for s, r in RANK.items() if r < rank],
                "new_status": status["status"],
                "at": at,
            },
        )
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    return changed
