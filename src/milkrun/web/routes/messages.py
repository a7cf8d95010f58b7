"""The owner's preview of the message templates: each in each language, on sample data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from milkrun.auth.models import Role
from milkrun.deps import SessionDep, SettingsDep
from milkrun.notify import service as notify_service
from milkrun.web.app import LoginRequired, login_redirect, page_user, render

router = APIRouter(prefix="/admin")
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी (Hindi)", "kn": "ಕನ್ನಡ (Kannada)"}


@router.get("/messages/templates", response_model=None)
def message_templates(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    try:
        user = page_user(request, session, settings, Role.admin)
    except LoginRequired:
        return login_redirect(request)
    return render(
        request,
        "admin/message_templates.html",
        user=user,
        templates=notify_service.templates(settings),
        language_names=LANGUAGE_NAMES,
    )
