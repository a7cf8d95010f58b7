"""Admission: no more requests in flight in one process than its database pool has connections.

FastAPI runs each sync dependency and endpoint of a request in a worker thread (40 of them), one
call after another, and the request keeps its database connection from its first query until
the commit in the last call. With more requests in flight than connections, every thread can end
up waiting for a connection while the requests holding the connections wait for a thread to run
their next call: nothing moves until the pool gives up (30 s). On SQLite the holder also holds
the write lock, so the waiting writers fail with "database is locked". Admitting at most as many
requests as there are connections keeps a thread available to every request that holds one; the
others wait in the event loop, where waiting costs nothing.
"""

from __future__ import annotations

import anyio
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.types import ASGIApp, Receive, Scope, Send

# For pools without a fixed size (StaticPool, NullPool): a modest number of requests at once.
DEFAULT_LIMIT = 10


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine's pool hands out at most."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return pool.size() + max(pool._max_overflow, 0)  # no public accessor for the overflow
    return DEFAULT_LIMIT


class Admission:
    """ASGI middleware: at most ``limit`` HTTP requests at once (static files are not counted)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)
