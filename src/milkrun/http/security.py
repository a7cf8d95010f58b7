"""Security headers on every response: a strict Content-Security-Policy (no inline script, no
framing), no MIME sniffing, a Permissions-Policy, HSTS behind https, and the anonymous CSRF
cookie of a page that made one. A header a route set itself (a shared link's no-referrer) is
kept."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from milkrun.http import csrf

STRICT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The API's documentation (Swagger UI, ReDoc) styles itself inline and ReDoc runs a worker from a
# blob; still no inline script, no framing, nothing from another origin.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATHS = ("/docs", "/redoc")
PERMISSIONS = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool, secure_cookies: bool) -> None:
        self.app = app
        self.https = https
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else STRICT_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", csp)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", PERMISSIONS)
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                anonymous = scope.get("state", {}).get("csrf_anonymous")
                if anonymous:
                    secure = "; Secure" if self.secure_cookies else ""
                    headers.append(
                        "set-cookie",
                        f"{csrf.ANONYMOUS_COOKIE}={anonymous}; Path=/; HttpOnly; "
                        f"SameSite=Strict{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
