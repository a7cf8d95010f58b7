"""The language switch on the pages customers and delivery boys see: saved on the login's own
account (``customers.languages``) and kept on the browser (a cookie: the anonymous visitor of a
shared delivery link or a bill's link has no account)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from milkrun import languages
from milkrun.auth.models import Role
from milkrun.customers import languages as customer_languages
from milkrun.http.deps import SessionDep, SettingsDep, actor_for
from milkrun.web.errors import UnknownPageLanguage
from milkrun.web.pages import LoginRequired, page_user, remember_language, safe_next

router = APIRouter()


@router.post("/language")
def choose_language(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    chosen = languages.supported(language)
    if chosen is None:
        raise UnknownPageLanguage(languages.gettext("Choose one of the languages offered."))
    try:
        user = page_user(request, session, settings)
    except LoginRequired:
        user = None
    if user is not None and user.role != Role.admin:
        customer_languages.set_language(
            session, user, chosen, actor_for(request, user, channel="web")
        )
    response = RedirectResponse(safe_next(next) or "/", status_code=303)
    remember_language(response, chosen, settings)
    return response
