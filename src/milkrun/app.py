"""The web application: the JSON API, the pages, health, and the request id on every response."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from milkrun import __version__
from milkrun.api import problems
from milkrun.api.app import build_router
from milkrun.billing import reconciliations
from milkrun.config import Settings, get_settings
from milkrun.db import migrate
from milkrun.db.session import Database
from milkrun.errors import MilkrunError
from milkrun.http.admission import Admission, pool_capacity
from milkrun.http.body_limit import BodyLimit
from milkrun.http.compression import DeliveryCompression
from milkrun.http.security import SecurityHeaders
from milkrun.notify import relay
from milkrun.orders import scheduler
from milkrun.payment_links import service as payment_links
from milkrun.wallets import generation as wallet_generation
from milkrun.web import app as web
from milkrun.web.pages import STATIC_DIR, LoginRequired

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


def _pages_answer_in_html(app: FastAPI) -> None:
    """People get error pages, programs problem details: each error handler the API installed
    answers the API's paths; a page's error is drawn as a page (``web.app``)."""
    own = {
        MilkrunError: web.milkrun_error,
        RequestValidationError: web.invalid_request,
        HTTPException: web.http_error,
        Exception: web.unexpected,
    }
    for kind, installed in list(app.exception_handlers.items()):
        api_handler = cast(Handler, installed)  # problems.install's handlers are all async
        page_handler = own.get(kind) or _page_from_problem(api_handler)
        app.exception_handlers[kind] = _either(api_handler, page_handler)
    app.add_exception_handler(LoginRequired, web.login_required)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _either(api_handler: Handler, page_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if web.is_page(request):
            return await page_handler(request, exc)
        return await api_handler(request, exc)

    return handle


def _page_from_problem(api_handler: Handler) -> Handler:
    """A page for an error only the API knew how to word (a database conflict, a busy
    database): the problem's status and sentence, drawn as a page."""

    async def handle(request: Request, exc: Exception) -> Response:
        answer = await api_handler(request, exc)
        body = json.loads(bytes(answer.body))
        retry = answer.headers.get("retry-after")
        return web.error_page(
            request,
            answer.status_code,
            body.get("detail"),
            {"Retry-After": retry} if retry else None,
        )

    return handle


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    app = FastAPI(
        title="milkrun",
        version=__version__,
        description="Subscriptions, daily orders, routes, deliveries and billing for a dairy.",
        docs_url=None,  # served by the pages (web/routes/docs.py) from local assets
        redoc_url=None,
        lifespan=relay.lifespan(
            settings,
            database,
            scheduler.lifespan(
                settings,
                database,
                jobs=[reconciliations.close_days_and_check, payment_links.cancel_due_job],
                materialize=wallet_generation.materializer(settings),
            ),
        ),
    )
    app.state.settings = settings
    app.state.database = database
    problems.install(app)
    problems.document(app)
    _pages_answer_in_html(app)
    app.add_middleware(Admission, limit=pool_capacity(database.engine))
    https = settings.base_url.startswith("https://")
    # Outermost last: a body over the limit is refused before admission, and its 413 still
    # carries the security headers.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, https=https, secure_cookies=https)

    app.add_middleware(RequestId)
    app.add_middleware(DeliveryCompression)

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
    app.include_router(web.build_web_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
