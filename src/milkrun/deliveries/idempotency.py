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
from sqlalchemy import JSON, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.db import upserts
from milkrun.db.types import UTCDateTime
from milkrun.deliveries.errors import IdempotencyKeyReused, KeyInUse
from milkrun.deliveries.models import IdempotencyKey

KEPT_FOR = dt.timedelta(hours=72)
KEYS = cast(Table, IdempotencyKey.__table__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


# Optional fields added to the mark bodies after keys were first stored (proof of delivery): they
# count only when given, so that a retry across the upgrade hashes as its first attempt did.
LATER_FIELDS = ("latitude", "longitude", "accuracy_m")


def request_hash(endpoint: str, body: BaseModel) -> str:
    """The fingerprint of a request: which operation, with which (parsed) body."""
    fields = body.model_dump(mode="json")
    for name in LATER_FIELDS:
        if fields.get(name, 0) is None:
            del fields[name]
    canonical = json.dumps(
        {"endpoint": endpoint, "body": fields},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _claiming(dialect: str) -> Any:
    """INSERT the key, or take over one older than 72 hours; RETURNING says whether it worked."""
    insert = upserts.insert(dialect, KEYS)
    statement = insert.values(
        caller=bindparam("for_caller"),
        key=bindparam("for_key"),
        request_hash=bindparam("fingerprint"),
        created_at=bindparam("claimed_at", type_=UTCDateTime()),
    )
    return statement.on_conflict_do_update(
        index_elements=[KEYS.c.caller, KEYS.c.key],
        set_={
            "request_hash": statement.excluded.request_hash,
            "response_status": None,
            "response_body": None,
            "created_at": statement.excluded.created_at,
        },
        where=KEYS.c.created_at < bindparam("stale_before", type_=UTCDateTime()),
    ).returning(KEYS.c.id)


# Built once per dialect: building a statement costs more than running it.
_CLAIMING = {dialect: _claiming(dialect) for dialect in ("postgresql", "sqlite")}
_STORED = select(KEYS.c.request_hash, KEYS.c.response_status, KEYS.c.response_body).where(
    KEYS.c.caller == bindparam("for_caller"), KEYS.c.key == bindparam("for_key")
)
_STORING = (
    update(KEYS)
    .where(KEYS.c.caller == bindparam("for_caller"), KEYS.c.key == bindparam("for_key"))
    .values(
        response_status=bindparam("answer_status"),
        response_body=bindparam("answer_body", type_=JSON()),
    )
)


def claim(session: Session, caller: str, key: str, fingerprint: str) -> Answer | None:
    """Claim ``key`` for this request (None: go ahead), or the stored answer of the request that
    used it first. A key older than 72 hours is claimed afresh."""
    now = clock.now()
    claimed = session.execute(
        _CLAIMING[session.get_bind().dialect.name],
        {
            "for_caller": caller,
            "for_key": key,
            "fingerprint": fingerprint,
            "claimed_at": now,
            "stale_before": now - KEPT_FOR,
        },
    ).first()
    if claimed is not None:
        return None
    stored = session.execute(_STORED, {"for_caller": caller, "for_key": key}).one()
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request; use a new key "
            "for a new request",
        )
    if stored.response_status is None:  # only visible inside the first request's transaction
        raise KeyInUse("The first request with this key is still running")
    return Answer(stored.response_status, dict(stored.response_body or {}), replayed=True)


def store(session: Session, caller: str, key: str, answer: Answer) -> None:
    session.execute(
        _STORING,
        {
            "for_caller": caller,
            "for_key": key,
            "answer_status": answer.status,
            "answer_body": answer.body,
        },
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
