"""The page of a shared delivery link (/l/{token}): the same delivery page, no account needed,
for the link's route and date only. Every answer carries the link headers (no referrer, no
indexing, no caching), errors included."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from milkrun.db.session import mark_failed
from milkrun.deliveries.manifest import link_manifest
from milkrun.deliveries.markers import link_marker
from milkrun.errors import MilkrunError
from milkrun.http.deps import LINK_HEADERS, SettingsDep, WriterSessionDep, client_address
from milkrun.links import service
from milkrun.links.service import when
from milkrun.web.pages import render

router = APIRouter(prefix="/l")


@router.get("/{token}", response_model=None)
def link_page(
    token: str, request: Request, session: WriterSessionDep, settings: SettingsDep
) -> Response:
    try:
        link = service.open_link(session, token, client_address(request), zone=settings.zone)
    except MilkrunError as exc:
        mark_failed(session, exc)
        response = render(
            request,
            "delivery/link_error.html",
            status_code=exc.status,
            user=None,
            message=exc.detail,
            code=exc.code,
        )
        response.headers.update({**LINK_HEADERS, **exc.headers})
        return response
    service.record_open(
        session,
        link,
        link_marker(link, request_id=getattr(request.state, "request_id", None)).actor,
    )
    data = link_manifest(session, link)
    response = render(
        request,
        "delivery/day.html",
        user=None,
        day=link.delivery_date,
        today=link.delivery_date,
        previous_day=None,
        next_day=None,
        manifests=[data.model_dump(mode="json", exclude={"link"})],
        link={"label": link.label, "until": when(link.expires_at, settings.zone)},
        config={
            "scope": f"link:{link.id}",
            "date": link.delivery_date.isoformat(),
            "markUrl": f"/api/v1/shared-delivery-link/{token}/mark-delivered",
            "stopUrl": f"/api/v1/shared-delivery-link/{token}/mark-stop",
            "manifestUrl": f"/api/v1/shared-delivery-link/{token}",
            "loginUrl": None,
            "proof": settings.proof_of_delivery,  # the marks carry the location; no doors sent
            "locationUrl": None,
        },
    )
    response.headers.update(LINK_HEADERS)
    return response
