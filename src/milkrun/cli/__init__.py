"""The ``milkrun`` command: the same services as the API, for operators and schedulers."""

from __future__ import annotations

import typer

from milkrun.cli import (
    billing,
    db,
    deliveries,
    demo,
    legacy,
    notify,
    orders,
    payments,
    serve,
    users,
)

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(demo.app, name="demo")
app.add_typer(orders.app, name="orders")
app.add_typer(billing.app, name="billing")
app.add_typer(payments.app, name="payments")
app.add_typer(deliveries.app, name="deliveries")
app.add_typer(legacy.app, name="import")
app.add_typer(notify.app, name="notify")
app.command("serve")(serve.serve)


def main() -> None:
    app()
