"""``milkrun users create-admin``: an admin login from the command line, audited."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from milkrun.audit.models import AuditEvent
from milkrun.auth import passwords
from milkrun.auth.models import User
from milkrun.db import migrate
from milkrun.db.session import Database
from tests.cli.conftest import RunCli


def _admins(url: str) -> list[User]:
    database = Database(url)
    try:
        with database.session_scope(write=False) as session:
            return list(session.scalars(select(User).where(User.role == "admin")))
    finally:
        database.dispose()


def _events(url: str) -> list[AuditEvent]:
    database = Database(url)
    try:
        with database.session_scope(write=False) as session:
            return list(session.scalars(select(AuditEvent)))
    finally:
        database.dispose()


def test_create_admin_with_a_password(run_cli: RunCli, new_database_url: Callable[[], str]) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    result = run_cli(
        url,
        "users",
        "create-admin",
        "--email",
        "Owner@Dairy.IN",
        "--phone",
        "98450 77777",
        "--name",
        "Priya",
        "--password",
        "a-strong-password",
    )
    assert result.exit_code == 0, result.output
    [admin] = _admins(url)
    assert result.output.strip() == f"Created admin #{admin.id} (owner@dairy.in)"
    assert (admin.name, admin.email, admin.phone) == ("Priya", "owner@dairy.in", "+919845077777")
    assert passwords.verify_password("a-strong-password", admin.password_hash)
    [event] = _events(url)
    assert (event.action, event.actor_label, event.channel) == (
        "user.create",
        "cli:users create-admin",
        "cli",
    )


def test_create_admin_prompts_for_the_password(
    run_cli: RunCli, new_database_url: Callable[[], str]
) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    result = run_cli(
        url,
        "users",
        "create-admin",
        "--email",
        "owner@dairy.in",
        input="typed-at-the-prompt\ntyped-at-the-prompt\n",
    )
    assert result.exit_code == 0, result.output
    assert "typed-at-the-prompt" not in result.output  # hidden input
    [admin] = _admins(url)
    assert passwords.verify_password("typed-at-the-prompt", admin.password_hash)


def test_create_admin_refuses_a_mismatched_confirmation(
    run_cli: RunCli, new_database_url: Callable[[], str]
) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    result = run_cli(
        url,
        "users",
        "create-admin",
        "--email",
        "owner@dairy.in",
        input="first-password\nsecond-password\nfirst-password\nfirst-password\n",
    )
    assert "do not match" in result.output
    assert result.exit_code == 0, result.output  # asked again, then created
    [admin] = _admins(url)
    assert passwords.verify_password("first-password", admin.password_hash)


def test_create_admin_bad_input_is_a_message_and_creates_nothing(
    run_cli: RunCli, new_database_url: Callable[[], str]
) -> None:
    url = new_database_url()
    migrate.upgrade(url)
    ok = ["--email", "owner@dairy.in", "--password", "a-strong-password"]
    assert run_cli(url, "users", "create-admin", *ok).exit_code == 0

    cases = [
        (["--email", "owner@dairy.in", "--password", "another-password"], "already the username"),
        (["--email", "not-an-email", "--password", "a-strong-password"], "email"),
        (["--email", "b@dairy.in", "--password", "short"], "password"),
        (["--email", "c@dairy.in", "--phone", "123", "--password", "long-enough-1"], "phone"),
    ]
    for args, message in cases:
        result = run_cli(url, "users", "create-admin", *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
    assert [a.email for a in _admins(url)] == ["owner@dairy.in"]
