"""``milkrun users``: staff logins."""

from __future__ import annotations

import typer

from milkrun.audit.service import Actor
from milkrun.auth import service
from milkrun.cli.context import console, session_scope

app = typer.Typer(no_args_is_help=True, help="Logins.")


@app.command("create-admin")
def create_admin(
    email: str = typer.Option(..., help="The admin's email (a username)"),
    phone: str | None = typer.Option(None, help="Optional phone (another username)"),
    name: str = typer.Option("Administrator", help="Display name"),
    password: str | None = typer.Option(
        None, help="Leave out to be prompted (keeps it out of the shell history)"
    ),
) -> None:
    """Create an admin login."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope() as session:
        user = service.create_admin(
            session,
            name=name,
            email=email,
            phone=phone,
            password=password,
            actor=Actor.system("cli:users create-admin"),
        )
        console.print(f"Created admin #{user.id} ({user.email})")
