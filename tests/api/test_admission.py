"""More concurrent requests than database connections: they queue, none deadlocks or fails."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.pool import QueuePool, StaticPool

from milkrun.app import create_app
from milkrun.config import Settings
from milkrun.db.engine import make_engine
from milkrun.db.session import Database
from milkrun.http.admission import DEFAULT_LIMIT, pool_capacity
from tests import factories

pytestmark = pytest.mark.committed


def test_the_limit_is_the_pools_capacity(tmp_path: Path) -> None:
    queued = make_engine(f"sqlite:///{tmp_path / 'a.db'}", pool_size=3, max_overflow=4)
    static = make_engine("sqlite:///:memory:")
    assert isinstance(queued.pool, QueuePool)
    assert isinstance(static.pool, StaticPool)
    try:
        assert pool_capacity(queued) == 7
        assert pool_capacity(static) == DEFAULT_LIMIT
    finally:
        queued.dispose()
        static.dispose()


def test_sixty_requests_through_two_connections_all_answer(
    committed_database: Database, settings: Settings
) -> None:
    """Without admission, the worker threads all wait for a connection while the two requests
    holding them wait for a thread: every request would fail after the pool's timeout."""
    small = Database(
        committed_database.url,
        engine=make_engine(committed_database.url, pool_size=2, max_overflow=0, pool_timeout=5),
    )
    with small.session_scope() as session:
        boy = factories.login(session, factories.delivery_boy_user(session))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, small), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.02)
    start = threading.Barrier(60)

    def call(_n: int) -> int:
        start.wait()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            return client.get("/api/v1/delivery-boy/manifest", headers=boy.headers).status_code

    try:
        with ThreadPoolExecutor(max_workers=60) as pool:
            statuses = list(pool.map(call, range(60)))
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        small.dispose()
    assert statuses == [200] * 60
