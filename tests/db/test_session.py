"""The unit of work: what ``session_scope`` keeps when the request fails, whether the error is
raised or answered by the request itself (a page showing it, ``mark_failed``)."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select

from milkrun import clock
from milkrun.auth.models import LoginThrottle
from milkrun.db.session import Database, mark_failed
from milkrun.errors import MilkrunError


def _count(database: Database, username: str) -> int | None:
    with database.session_scope(write=False) as session:
        failures: int | None = session.scalar(
            select(LoginThrottle.failures).where(LoginThrottle.username == username)
        )
        return failures


def _fail(database: Database, username: str, error: MilkrunError, *, raise_it: bool) -> None:
    """A unit of work that writes a row, then fails with ``error``: raised, or answered."""
    expected = pytest.raises(MilkrunError) if raise_it else contextlib.nullcontext()
    with expected, database.session_scope() as session:
        session.add(LoginThrottle(username=username, failures=1, first_failure_at=clock.now()))
        session.flush()
        if raise_it:
            raise error
        mark_failed(session, error)


@pytest.mark.parametrize("raise_it", [True, False], ids=["raised", "answered"])
def test_an_error_that_keeps_changes_is_committed(database: Database, raise_it: bool) -> None:
    _fail(
        database, "kept@example.com", MilkrunError("counted", keeps_changes=True), raise_it=raise_it
    )
    assert _count(database, "kept@example.com") == 1


@pytest.mark.parametrize("raise_it", [True, False], ids=["raised", "answered"])
def test_any_other_error_is_rolled_back(database: Database, raise_it: bool) -> None:
    _fail(database, "lost@example.com", MilkrunError("refused"), raise_it=raise_it)
    assert _count(database, "lost@example.com") is None


def test_a_unit_without_an_error_is_committed(database: Database) -> None:
    with database.session_scope() as session:
        session.add(
            LoginThrottle(username="fine@example.com", failures=1, first_failure_at=clock.now())
        )
    assert _count(database, "fine@example.com") == 1


@pytest.mark.parametrize(
    ("error", "seen"),
    [(MilkrunError("refused"), None), (MilkrunError("counted", keeps_changes=True), 1)],
    ids=["refused", "kept"],
)
def test_the_page_drawn_after_an_answered_error_sees_what_stays(
    database: Database, error: MilkrunError, seen: int | None
) -> None:
    """A page that answers an error draws itself from the same session: a refused change must
    already be gone from it, a kept one still there."""
    with database.session_scope() as session:
        session.add(
            LoginThrottle(username="page@example.com", failures=1, first_failure_at=clock.now())
        )
        session.flush()
        mark_failed(session, error)
        on_the_page = session.scalar(
            select(LoginThrottle.failures).where(LoginThrottle.username == "page@example.com")
        )
    assert on_the_page == seen
    assert _count(database, "page@example.com") == seen
