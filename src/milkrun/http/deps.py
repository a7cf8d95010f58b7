"""Dependencies shared by the API and the pages: the database session and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from milkrun.audit.service import Actor
from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.inputs.fields import MAX_ID, StrictId

# What every answer to a shared delivery link's holder carries, errors too: the token is in the
# URL, so no referrer, no indexing, no caching.
LINK_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Cache-Control": "no-store",
}
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_COOKIE = "milkrun_token"  # noqa: S105 (a cookie name)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    """Async: no I/O, so it runs in the event loop instead of hopping to the thread pool."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work, committed before the response is sent.

    ``scope="function"`` (below) runs the commit when the endpoint returns, before the response
    goes out, so a failed commit answers 5xx instead of a 2xx for a change that was lost. A page
    that answers an error itself marks it (``db.session.mark_failed``), and the unit of work ends
    as for a raised error; no endpoint commits.
    """
    database = get_database(request)
    with database.session_scope(write=request.method not in READ_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


def _writer_session(request: Request) -> Iterator[Session]:
    """A unit of work that writes even on GET (opening a shared link records it on the trail and
    counts a guess): a writer from the start (on SQLite, BEGIN IMMEDIATE rather than a read that
    must upgrade)."""
    with get_database(request).session_scope(write=True) as session:
        yield session


WriterSessionDep = Annotated[Session, Depends(_writer_session, scope="function")]

# A record id in the path (``customer_id: PathId``).
PathId = Annotated[int, StrictId, Path(ge=1, le=MAX_ID)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def actor_for(request: Request, user: User | None, channel: str = "api") -> Actor:
    """Who acts in this request, for the audit trail: the API and the pages name it alike."""
    request_id = getattr(request.state, "request_id", None)
    if user is None:
        return Actor(user_id=None, label="anonymous", channel=channel, request_id=request_id)
    return Actor(
        user_id=user.id, label=f"{user.role}:{user.name}", channel=channel, request_id=request_id
    )
