"""Dependencies shared by the API and the pages: the database session and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.db.session import Database

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
