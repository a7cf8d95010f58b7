from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from milkrun.auth import service, tokens
from milkrun.auth.models import Role
from milkrun.customers import languages as customer_languages
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import TOKEN_COOKIE, SessionDep, SettingsDep, actor_for
from milkrun.web.pages import (
    HOME_OF_ROLE,
    LoginRequired,
    language_of_request,
    page_user,
    remember_language,
    render,
    safe_next,
)

router = APIRouter()


@router.get("/", response_model=None)
def home(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        user = page_user(request, session, settings)
    except LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_OF_ROLE[Role(user.role)], status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        user = service.authenticate(
            session,
            username,
            password,
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        )
    except MilkrunError as exc:
        mark_failed(session, exc)
        page = render(
            request,
            "login.html",
            status_code=exc.status,
            next=safe_next(next),
            error=exc.detail,
            username=username,
        )
        page.headers.update(exc.headers)  # a lockout's Retry-After
        return page
    token = tokens.issue_token(
        user,
        secret=settings.secret_key.get_secret_value(),
        minutes=settings.access_token_minutes,
    )
    language = customer_languages.at_login(
        session, user, language_of_request(request), actor_for(request, user, channel="web")
    )
    response = RedirectResponse(safe_next(next) or HOME_OF_ROLE[Role(user.role)], status_code=303)
    remember_language(response, language, settings)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=settings.base_url.startswith("https"),
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> RedirectResponse:
    """Logging out ends the session everywhere, not only this browser's cookie."""
    try:
        user = page_user(request, session, settings)
    except LoginRequired:
        user = None
    if user is not None:
        service.log_out(session, user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response
