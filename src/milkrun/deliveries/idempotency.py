"""Idempotency keys: a retried request gets the first answer again, with no second effect.

A client sends ``Idempotency-Key: <its own id for this attempt>`` with a mark. The first request
claims ``(caller, key)`` with an insert in its own transaction and stores its answer there;
if the transaction fails, the claim goes with it, so a key is either stored with its answer or
absent. A second request with the key finds it and replays the answer; on PostgreSQL a second
request arriving while the first is still running waits on the unique index until the first
commits, then replays. The same key with a different request is refused (422). Keys are scoped
to the caller (a user or a link) and kept 72 hours; an older key is claimed afresh, and
``purge`` deletes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.deliveries.errors import IdempotencyKeyReused
from milkrun.deliveries.models import IdempotencyKey
from milkrun.errors import Conflict

KEPT_FOR = dt.timedelta(hours=72)
KEYS = cast(Table, IdempotencyKey.__table__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(endpoint: str, body: BaseModel) -> str:
    """The fingerprint of a request: which operation, with which (parsed) body."""
    canonical = json.dumps(
        {"endpoint": endpoint, "body": body.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(session: Session, caller: str, key: str, fingerprint: str) -> Answer | None:
    """Claim ``key`` for this request (None: go ahead), or the stored answer of the request that
    used it first. A key older than 72 hours is claimed afresh."""
    now = clock.now()
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(KEYS)
    claimed = session.execute(
        insert.values(caller=caller, key=key, request_hash=fingerprint, created_at=now)
        .on_conflict_do_update(
            index_elements=[KEYS.c.caller, KEYS.c.key],
            set_={
                "request_hash": fingerprint,
                "response_status": None,
                "response_body": None,
                "created_at": now,
            },
            where=KEYS.c.created_at < now - KEPT_FOR,
        )
        .returning(KEYS.c.id)
    ).first()
    if claimed is not None:
        return None
    stored = session.execute(
        select(KEYS.c.request_hash, KEYS.c.response_status, KEYS.c.response_body).where(
            KEYS.c.caller == caller, KEYS.c.key == key
        )
    ).one()
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request; use a new key "
            "for a new request",
        )
    if stored.response_status is None:  # only visible inside the first request's transaction
        raise Conflict("The first request with this key is still running", code="key_in_use")
    return Answer(stored.response_status, dict(stored.response_body or {}), replayed=True)


def store(session: Session, caller: str, key: str, answer: Answer) -> None:
    session.execute(
        update(KEYS)
        .where(KEYS.c.caller == caller, KEYS.c.key == key)
        .values(response_status=answer.status, response_body=answer.body)
    )


def once(
    session: Session,
    caller: str,
    key: str | None,
    endpoint: str,
    body: BaseModel,
    run: Callable[[], BaseModel],
    *,
    status: int = 200,
) -> Answer:
    """Run ``run`` once per ``(caller, key)``: the first time for real, later by replaying its
    answer. Without a key, just run it."""
    if key is None:
        return Answer(status, run().model_dump(mode="json"))
    replay = claim(session, caller, key, request_hash(endpoint, body))
    if replay is not None:
        return replay
    answer = Answer(status, run().model_dump(mode="json"))
    store(session, caller, key, answer)
    return answer


def purge(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete the keys older than 72 hours; returns how many."""
    cutoff = (now or clock.now()) - KEPT_FOR
    result = session.execute(delete(KEYS).where(KEYS.c.created_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
