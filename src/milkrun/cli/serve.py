"""``milkrun serve``: the web server (API and pages)."""

from __future__ import annotations

import typer
import uvicorn

from milkrun.cli.context import console, settings
from milkrun.db import migrate


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port"),
    workers: int = typer.Option(1, min=1, help="Worker processes"),
) -> None:
    """Serve milkrun. On SQLite the schema is migrated to head first."""
    config = settings()
    if config.is_sqlite:
        migrate.upgrade(config.database_url)
    console.print(f"milkrun on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "milkrun.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
    )
