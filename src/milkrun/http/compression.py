"""Compressed answers for the delivery day: the manifests and the delivery pages that carry
them (a 400-stop manifest is about 150 KB of JSON, some 15 KB gzipped, on a phone over 3G).

Starlette's ``GZipMiddleware`` for those paths only. Other answers are left as they are: a page
that carries a secret (a CSRF token, a bearer token) next to text the caller chose is what a
compression side channel (BREACH) needs, and the rest of the site is small.
"""

from __future__ import annotations

import re

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

COMPRESSED_PATHS = re.compile(
    r"^(/delivery|/l/[^/]+"
    r"|/api/v1/delivery-boy/manifest|/api/v1/routes/\d+/manifest"
    r"|/api/v1/shared-delivery-link/[^/]+)$"
)
# Level 6 (zlib's default) is within a few percent of 9 on this JSON at a third of the time.
LEVEL = 6


class DeliveryCompression:
    """ASGI middleware: gzip for the delivery day's manifests and pages, when the caller
    accepts it and the answer is over a kilobyte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1000, compresslevel=LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and COMPRESSED_PATHS.match(scope["path"]):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
