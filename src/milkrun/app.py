"""The web application: the JSON API, the pages, health, and the request id on every response."""

from __future__ import annotations

import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from milkrun import __version__
from milkrun.admission import Admission, pool_capacity
from milkrun.api import problems
from milkrun.api.app import build_router
from milkrun.config import Settings, get_settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.notify import relay
from milkrun.orders import scheduler
from milkrun.web.app import STATIC_DIR, build_web_router

HEALTH_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["ok", "unavailable"]},
        "database": {"type": "string", "enum": ["ok", "unreachable"]},
        "schema": {"type": "string", "enum": ["head", "behind"]},
    },
    "required": ["status", "database"],
}


class RequestId:
    """ASGI middleware: ``request.state.request_id`` (the caller's ``X-Request-ID``, else a new
    one) for the audit trail, echoed on the response. Plain ASGI rather than
    ``@app.middleware("http")``, which costs a task and a pair of streams per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming[:64] if incoming else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    app = FastAPI(
        title="milkrun",
        version=__version__,
        description="Subscriptions, daily orders, routes, deliveries and billing for a dairy.",
        docs_url="/docs",
        redoc_url=None,
        lifespan=relay.lifespan(settings, database, scheduler.lifespan(settings, database)),
    )
    app.state.settings = settings
    app.state.database = database
    problems.install(app)
    problems.document(app)
    app.add_middleware(Admission, limit=pool_capacity(database.engine))

    app.add_middleware(RequestId)

    @app.get(
        "/healthz",
        tags=["health"],
        response_class=JSONResponse,
        responses={
            200: {
                "description": "Ready",
                "content": {"application/json": {"schema": HEALTH_SCHEMA}},
            },
            503: {
                "description": "The database is unreachable or its schema is behind the code",
                "content": {"application/json": {"schema": HEALTH_SCHEMA}},
            },
        },
    )
    def healthz(request: Request) -> JSONResponse:
        """Ready when the database answers and its schema is at the code's head revision."""
        engine = request.app.state.database.engine
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            at_head = migrate.is_at_head(engine)
        except SQLAlchemyError:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        if not at_head:
            return JSONResponse(
                {"status": "unavailable", "database": "ok", "schema": "behind"}, 503
            )
        return JSONResponse({"status": "ok", "database": "ok", "schema": "head"})

    app.include_router(build_router())
    app.include_router(build_web_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
