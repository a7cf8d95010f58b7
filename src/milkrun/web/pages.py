"""What every page needs: the templates, rendering, who is logged in, and the visit.

A page asks for its visit (``AdminVisit``, ``CustomerVisit``, ``DeliveryVisit``): the request,
its unit of work, the settings and the logged-in user of that role. Nobody logged in (or not in
that role) raises ``LoginRequired``, which one exception handler (``web.app.install``) answers
with a redirect to the login page; no page checks for it itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.orm import Session

from milkrun import clock, languages
from milkrun.audit import service as audit
from milkrun.auth import tokens
from milkrun.auth.models import Role, User
from milkrun.config import Settings
from milkrun.errors import MilkrunError
from milkrun.http import csrf, hub_guard
from milkrun.http.deps import TOKEN_COOKIE, SessionDep, SettingsDep, actor_for
from milkrun.hubs.scope import HubScope
from milkrun.money import format_inr
from milkrun.web.delivery_words import delivery_words

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.add_extension("jinja2.ext.i18n")
# The environment is shared by every request: ``_`` reads the request's language when called
# (``languages``' context variable, set for each render), never a language installed here.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    languages.gettext, languages.ngettext, newstyle=True
)
# The language's own script for the amounts (Indian grouping in every language) and dates.
templates.env.filters["inr"] = lambda paise: format_inr(paise, languages.locale())
templates.env.filters["day"] = languages.day_text
templates.env.globals["language_names"] = languages.NAMES
templates.env.globals["weekday_names"] = languages.weekday_names
# The delivery page's script texts in the reader's language (a JSON block the scripts read).
templates.env.globals["delivery_words"] = delivery_words
# A word stressed inside a translated sentence: "You owe <strong>₹120.00</strong>".
templates.env.filters["strong"] = lambda text: Markup("<strong>{}</strong>").format(text)
# The cookie that keeps the language chosen on this browser (an anonymous visitor's, and a
# login's own, set again from the account at each login).
LANGUAGE_COOKIE = "milkrun_language"
LANGUAGE_COOKIE_DAYS = 365

HOME_OF_ROLE = {Role.admin: "/admin", Role.delivery_boy: "/delivery", Role.customer: "/me"}


@pass_context
def _csrf_field(context: Context) -> Markup:
    """The hidden field every POST form carries: ``{{ csrf_field() }}`` inside the form."""
    request: Request = context["request"]
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FORM_FIELD, csrf.token_of(request)
    )


@pass_context
def _csrf_token(context: Context) -> str:
    """The token alone, for a page's script (a meta tag) to send as the header."""
    request: Request = context["request"]
    return csrf.token_of(request)


templates.env.globals["csrf_field"] = _csrf_field
templates.env.globals["csrf_token"] = _csrf_token


class LoginRequired(Exception):
    """Raised by a page that needs a login: answered with a redirect to the login page, which
    comes back to ``next`` afterwards."""

    def __init__(self, next_path: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def language_of_request(request: Request) -> str:
    """The language a page speaks: the one chosen on this browser (the switch, or the account's
    at login), else the first the browser asks for that milkrun speaks, else English."""
    if request.url.path.startswith("/admin"):
        return languages.DEFAULT  # the owner's console is English
    chosen = getattr(request.state, "language", None)
    return (
        chosen
        or languages.supported(request.cookies.get(LANGUAGE_COOKIE))
        or languages.from_accept_language(request.headers.get("accept-language"))
        or languages.DEFAULT
    )


async def speak(request: Request) -> None:
    """Every page's request speaks its language (``language_of_request``): an async
    dependency, so that the texts its endpoint makes (``languages._``) are in it too."""
    request.state.language = language_of_request(request)
    languages.use(request.state.language)


def remember_language(response: Response, language: str, settings: Settings) -> None:
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https"),
    )


def safe_next(target: str | None) -> str | None:
    """Where to go after logging in: a path on this site only. "//host" and "/\\host" are
    other sites to a browser (it reads a backslash as a slash), so they are refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    return target


@pass_context
def _here(context: Context) -> str:
    """Where the language switch comes back to: this page (without its query: a login page's
    ``next`` is not echoed); for a form sent here, the page the form was on."""
    request: Request = context["request"]
    if request.method in ("GET", "HEAD"):
        return request.url.path
    back = return_path(request) or "/"
    return back.split("?", 1)[0]


templates.env.globals["here"] = _here


def return_path(request: Request) -> str | None:
    """Where to come back to after logging in: the page itself for a GET; for a form sent with
    no login (it expired), the page the form was on, else the top of its part of the site."""
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    first = request.url.path.strip("/").split("/", 1)[0]
    return f"/{first}" if first else None


def login_url(next_path: str | None) -> str:
    return f"/login?next={quote(next_path, safe='/')}" if next_path else "/login"


def page_user(request: Request, session: Session, settings: Settings, *roles: Role) -> User:
    """The logged-in user of one of ``roles`` (any role when none is named), else
    ``LoginRequired``."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        raise LoginRequired(return_path(request))
    try:
        user = tokens.user_for_token(
            session, token, secret=settings.secret_key.get_secret_value(), roles=roles
        )
    except MilkrunError as exc:
        raise LoginRequired(return_path(request)) from exc
    # Who is logged in, kept apart from the row: an error page is drawn after the unit of work
    # rolled back, when the row's attributes can no longer be read.
    request.state.who = Who(user.name, Role(user.role))
    return user


@dataclass(frozen=True)
class Who:
    """The logged-in person as the page header shows them (``base.html``)."""

    name: str
    role: Role


@dataclass(frozen=True)
class PageVisit:
    """A logged-in person's request to a page: the request, its unit of work, the settings and
    who acts (a page's screen extends it with what it is about)."""

    request: Request
    session: Session
    settings: Settings
    user: User

    @property
    def actor(self) -> audit.Actor:
        return actor_for(self.request, self.user, channel="web")

    @property
    def today(self) -> dt.date:
        return clock.today(self.settings.zone)

    @property
    def scope(self) -> HubScope:
        """The hub the admin sees (all of them when not limited to one)."""
        return HubScope.of(self.user)

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, name, status_code, user=self.user, **context)


def checked_user(request: Request, session: Session, settings: Settings, *roles: Role) -> User:
    """The page's user (``page_user``); an admin's, once the records its path names are found in
    its hub (``http.hub_guard``). Every page's login goes through here."""
    user = page_user(request, session, settings, *roles)
    if user.role == Role.admin:
        hub_guard.ensure_in_hub(session, HubScope.of(user), request.path_params)
    return user


def visit_of(*roles: Role) -> Callable[[Request, Session, Settings], PageVisit]:
    def visit(request: Request, session: SessionDep, settings: SettingsDep) -> PageVisit:
        user = checked_user(request, session, settings, *roles)
        return PageVisit(request, session, settings, user)

    return visit


AdminVisit = Annotated[PageVisit, Depends(visit_of(Role.admin))]


def dairy_visit(visit: AdminVisit) -> PageVisit:
    """An admin of the whole dairy: what spans every hub (generating a day, running or
    finalizing a month's bills) is refused to an admin limited to one (403
    ``hub_limited_admin``)."""
    visit.scope.ensure_unlimited("run a job of the whole dairy")
    return visit


DairyVisit = Annotated[PageVisit, Depends(dairy_visit)]
CustomerVisit = Annotated[PageVisit, Depends(visit_of(Role.customer))]
DeliveryVisit = Annotated[PageVisit, Depends(visit_of(Role.delivery_boy))]


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page in the request's language (its texts, amounts and dates)."""
    user = context.get("user")
    is_console = user is not None and getattr(user, "role", None) == Role.admin
    language = languages.DEFAULT if is_console else language_of_request(request)
    with languages.speaking(language):
        response: HTMLResponse = templates.TemplateResponse(
            request, name, {"language": language, **context}, status_code=status_code
        )
    return response
