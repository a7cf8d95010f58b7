"""The pages' router, templates and the logged-in user from the session cookie."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from milkrun.api.deps import actor_for
from milkrun.audit import service as audit
from milkrun.auth import tokens
from milkrun.auth.models import Role, User
from milkrun.config import Settings
from milkrun.deps import TOKEN_COOKIE
from milkrun.errors import MilkrunError
from milkrun.money import format_inr

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters["inr"] = format_inr

HOME_OF_ROLE = {Role.admin: "/admin", Role.delivery_boy: "/delivery", Role.customer: "/me"}


class LoginRequired(Exception):
    """Raised by a page that needs a login; answered with a redirect to the login page."""


def page_user(request: Request, session: Session, settings: Settings, *roles: Role) -> User:
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        raise LoginRequired
    try:
        user_id = tokens.user_id_from_token(token, secret=settings.secret_key.get_secret_value())
    except MilkrunError as exc:
        raise LoginRequired from exc
    user = session.get(User, user_id)
    if user is None or not user.is_active or (roles and user.role not in roles):
        raise LoginRequired
    return user


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


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def build_web_router() -> APIRouter:
    from milkrun.web.routes import (
        accounts,
        admin,
        customer,
        delivery,
        links,
        messages,
        route_day,
        vacations,
    )

    router = APIRouter(include_in_schema=False)
    for module in (accounts, admin, customer, delivery, links, messages, route_day, vacations):
        router.include_router(module.router)
    router.include_router(delivery.worker)
    return router


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
