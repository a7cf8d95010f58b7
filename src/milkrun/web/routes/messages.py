"""The owner's preview of the message templates: each in each language, on sample data."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.notify import service as notify_service
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी (Hindi)", "kn": "ಕನ್ನಡ (Kannada)"}


@router.get("/messages/templates", response_model=None)
def message_templates(visit: AdminVisit) -> Response:
    return visit.render(
        "admin/message_templates.html",
        templates=notify_service.templates(visit.settings),
        language_names=LANGUAGE_NAMES,
    )
