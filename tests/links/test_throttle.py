"""Guessing link tokens is throttled per client address, in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.db.session import Database
from milkrun.errors import NotFound, TooManyRequests
from milkrun.links import service, throttle, tokens
from milkrun.links.models import LinkGuessThrottle
from tests import factories
from tests.deliveries import factories as day_factories
from tests.deliveries.factories import ZONE
from tests.links.test_links_api import HOLDER, assert_link_headers


def test_too_many_unknown_tokens_are_refused_but_a_working_link_still_works(
    client: TestClient, session: Session
) -> None:
    """A delivery boy behind the same mobile network as a guesser keeps marking: only the
    guesses are throttled, never a token that works."""
    route = factories.route(session)
    _link, token = day_factories.link(session, route, day_factories.today())
    for _ in range(throttle.MAX_GUESSES):
        assert client.get(f"{HOLDER}/{tokens.new_token()}").status_code == 404

    locked = client.get(f"{HOLDER}/{tokens.new_token()}")
    assert locked.status_code == 429
    assert locked.json()["code"] == "link_throttled"
    assert 0 < int(locked.headers["Retry-After"]) <= throttle.WINDOW.total_seconds()
    assert_link_headers(locked)
    assert client.get(f"/l/{tokens.new_token()}").status_code == 429

    assert client.get(f"{HOLDER}/{token}").status_code == 200
    assert client.get(f"/l/{token}").status_code == 200

    clock.freeze(clock.now() + throttle.WINDOW + dt.timedelta(seconds=1))
    assert client.get(f"{HOLDER}/{tokens.new_token()}").status_code == 404


def test_a_working_link_does_not_buy_more_guesses(client: TestClient, session: Session) -> None:
    route = factories.route(session)
    _link, token = day_factories.link(session, route, day_factories.today())
    for _ in range(throttle.MAX_GUESSES):
        client.get(f"{HOLDER}/{tokens.new_token()}")
        assert client.get(f"{HOLDER}/{token}").status_code == 200

    assert client.get(f"{HOLDER}/{tokens.new_token()}").status_code == 429


@pytest.mark.committed
def test_the_count_is_shared_by_every_process(committed_database: Database) -> None:
    """Two Database objects stand for two worker processes: guesses through one lock the
    address out of the other, and another address is not affected."""
    other_worker = Database(committed_database.url)
    try:
        for _ in range(throttle.MAX_GUESSES):
            with (
                pytest.raises(NotFound),
                committed_database.session_scope() as session,
            ):
                service.open_link(session, tokens.new_token(), "10.0.0.7", zone=ZONE)

        with pytest.raises(TooManyRequests), other_worker.session_scope() as session:
            service.open_link(session, tokens.new_token(), "10.0.0.7", zone=ZONE)
        with pytest.raises(NotFound), other_worker.session_scope() as session:
            service.open_link(session, tokens.new_token(), "10.0.0.8", zone=ZONE)
    finally:
        other_worker.dispose()


def test_a_guess_on_the_link_page_is_counted(client: TestClient, session: Session) -> None:
    """The page answers an unknown token itself (404, a page in words), and the guess is kept."""
    for _ in range(2):
        page = client.get(f"/l/{tokens.new_token()}")
        assert page.status_code == 404
        assert "There is no such delivery link" in page.text
    failures = session.scalar(
        select(LinkGuessThrottle.failures).where(LinkGuessThrottle.client_address == "testclient")
    )
    assert failures == 2
