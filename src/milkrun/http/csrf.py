"""Cross-site request forgery: a form or a script of another site must not act with a person's
login cookie.

Two checks on every request that changes something and is authenticated by the cookie:
- the ``Origin`` (else the ``Referer``) names this site when the browser sends one: another
  origin, a sibling subdomain included, is refused;
- a token only this site can give: a form carries ``csrf_token``, an HMAC of the browser's login
  cookie (or, before login, of a random cookie of its own) under the secret key, so a token
  learnt by someone else, or a cookie tossed in by a sibling subdomain, is worth nothing; a
  script of the page (the delivery page's marks) sends the header ``X-CSRF-Token``, which a
  browser lets no other origin send without a CORS preflight that this site never grants.

Requests with a bearer token (programs) and shared delivery links (the capability is in the
URL) carry no cookie authority and are not checked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from milkrun.errors import Forbidden

FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
ANONYMOUS_COOKIE = "milkrun_csrf"
TOKEN_COOKIE = "milkrun_token"  # noqa: S105 (a cookie name; the login's, as in milkrun.http.deps)


class CsrfRefused(Forbidden):
    code = "csrf_failed"
    title = "Refused: not sent from this site's own page"


def _secret(request: Request) -> bytes:
    return str(request.app.state.settings.secret_key.get_secret_value()).encode()


def _bound_to(request: Request) -> str:
    """What the token is bound to: the login cookie, else the browser's own random cookie
    (made now if it has none; set on the response by ``remember_anonymous``)."""
    login = request.cookies.get(TOKEN_COOKIE)
    if login:
        return "login:" + login
    anonymous = request.cookies.get(ANONYMOUS_COOKIE) or getattr(
        request.state, "csrf_anonymous", None
    )
    if not anonymous:
        anonymous = secrets.token_urlsafe(32)
        request.state.csrf_anonymous = anonymous
    return "anonymous:" + anonymous


def token_of(request: Request) -> str:
    """The token the page sends back with a form (``{{ csrf_field() }}``)."""
    digest = hmac.new(_secret(request), _bound_to(request).encode(), hashlib.sha256)
    return digest.hexdigest()


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_origin(request: Request, base_url: str) -> None:
    """The page that sent the request is on this site (the address it was asked at, or the
    configured base URL). A browser sends ``Origin`` with every form post and fetch that
    changes something; older ones a ``Referer``. Neither (a privacy setting) leaves the token
    to decide."""
    sent = request.headers.get("origin")
    if sent is None or sent == "null":
        referer = request.headers.get("referer")
        sent = _origin_of(referer) if referer else sent
    if sent is None:
        return
    own = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    base = _origin_of(base_url)
    if base:
        own.add(base)
    if sent.lower() not in own:
        raise CsrfRefused(
            "This form was sent from another site, so it was refused. Open the page on this "
            "site and send it from there."
        )


def check_form(request: Request, sent_token: str | None, base_url: str) -> None:
    """A form post from this site's own page, or ``CsrfRefused``."""
    _check_origin(request, base_url)
    if not sent_token or not hmac.compare_digest(sent_token, token_of(request)):
        raise CsrfRefused(
            "This form has expired or did not come from this site's page (a new login makes "
            "old pages' forms invalid). Reload the page and send it again."
        )


def check_api_request(request: Request, base_url: str) -> None:
    """A change to the API authenticated by the login cookie (a page's own script): from this
    site, with the header only a same-origin script can send."""
    _check_origin(request, base_url)
    if not request.headers.get(HEADER):
        raise CsrfRefused(
            f"A change made with the login cookie must carry the {HEADER} header of the page "
            "(programs send Authorization: Bearer instead)"
        )
