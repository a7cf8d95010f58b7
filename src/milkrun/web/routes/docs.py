"""The API's documentation, offline: Swagger UI at /docs and ReDoc at /redoc, their assets served
by milkrun itself from a pinned package (fastapi-offline), so no request leaves the machine; no
inline script (the strict CSP), the Swagger UI set up by /static/docs.js. Also the favicon."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

from milkrun.web.pages import STATIC_DIR

router = APIRouter()

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSET_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"}

_SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>milkrun API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec-url="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""

_REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>milkrun API · ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/docs/assets/redoc.standalone.js"></script></body></html>"""


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_SWAGGER)


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC)


@router.get("/docs/assets/{name}", response_model=None)
def asset(name: str) -> FileResponse:
    if name not in ASSET_FILES:
        raise HTTPException(404)
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(
        ASSETS / name, media_type=media, headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/favicon.ico", response_model=None)
def favicon() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
