"""``milkrun demo``: the demo dairy."""

from __future__ import annotations

import os

import typer
from rich.table import Table

from milkrun import clock
from milkrun.cli import serve as serve_command
from milkrun.cli.context import console, session_scope, settings
from milkrun.config import get_settings
from milkrun.db import migrate
from milkrun.demo.locations import DAIRY
from milkrun.demo.seed import Logins, seed
from milkrun.links import service as link_service

app = typer.Typer(no_args_is_help=True, help="The demo dairy.")


def _print_logins(logins: Logins) -> None:
    rows = [("admin", "Priya (owner)", *logins.admin)]
    if logins.hub_admin:
        rows.append(("admin, Jayanagar hub only", "Shwetha", *logins.hub_admin))
    rows += [
        ("delivery boy", name, phone, password) for name, phone, password in logins.delivery_boys
    ]
    rows += [("customer", name, phone, password) for name, phone, password in logins.customers]
    table = Table(title="Demo logins (phone or email, password)")
    # The username and the password are what a newcomer types: never cut short, even when the
    # terminal is narrow (or not a terminal: rich then assumes 80 columns); the others fold.
    table.add_column("Role", overflow="fold")
    table.add_column("Name", overflow="fold")
    for column, title in ((2, "Username"), (3, "Password")):
        widest = max(len(row[column]) for row in rows)
        table.add_column(title, no_wrap=True, min_width=widest)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("seed")
def seed_command() -> None:
    """Migrate to head, then create the demo dairy (or complete it); twice duplicates nothing."""
    migrate.upgrade(settings().database_url)
    with session_scope() as session:
        logins = seed(session, today=clock.today(settings().zone), settings=settings())
    _print_logins(logins)
    if logins.link_token:
        url = link_service.url_of(logins.link_token, settings().base_url)
        console.print(f"Shared delivery link for today (no login needed): {url}", soft_wrap=True)


@app.command("run")
def run(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Migrate, seed the demo dairy, print the logins and serve (what `make run` does). The demo
    dairy asks for proof of delivery and knows where it is (unless the environment says else)."""
    os.environ.setdefault("MILKRUN_PROOF_OF_DELIVERY", "true")
    os.environ.setdefault("MILKRUN_DAIRY_LATITUDE", str(DAIRY[0]))
    os.environ.setdefault("MILKRUN_DAIRY_LONGITUDE", str(DAIRY[1]))
    get_settings.cache_clear()
    seed_command()
    serve_command.serve(host=host, port=port, workers=1)
