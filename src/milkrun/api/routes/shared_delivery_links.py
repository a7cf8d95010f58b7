"""Shared delivery links: admins create and revoke them; a link's holder reads the manifest of
its route and date and marks its orders, with no account.

Every response to a link holder carries ``Referrer-Policy: no-referrer`` (the token is in the
URL), ``X-Robots-Tag: noindex`` and ``Cache-Control: no-store``, errors included.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from milkrun import clock
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    PathId,
    SessionDep,
    SettingsDep,
)
from milkrun.api.routes.deliveries import IdempotencyKey, answer_json
from milkrun.date_window import BusinessDate
from milkrun.db.pagination import Page
from milkrun.deliveries import service as delivery_service
from milkrun.deliveries.manifest import link_manifest
from milkrun.deliveries.markers import link_marker
from milkrun.deliveries.schemas import (
    LinkManifest,
    MarkRequest,
    MarkResult,
    StopMarkRequest,
    StopMarkResult,
)
from milkrun.http.deps import LINK_HEADERS, WriterSessionDep, client_address
from milkrun.links import queries, service
from milkrun.links.models import SharedDeliveryLink
from milkrun.links.schemas import LinkCreate, LinkCreated, LinkRead


class LinkHolderRoute(APIRoute):
    """A route answered to a link holder: the link headers go on every response, errors too."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:
                response = await _rendered_error(request, exc)
            response.headers.update(LINK_HEADERS)
            return response

        return handle


async def _rendered_error(request: Request, exc: Exception) -> Response:
    """The response the app's own exception handlers give ``exc`` (problem details)."""
    handlers = request.app.exception_handlers
    for kind in type(exc).__mro__:
        handler = handlers.get(kind)
        if handler is not None:
            response: Response = await handler(request, exc)
            return response
    raise exc


router = APIRouter(tags=["shared delivery links"])
holder = APIRouter(
    prefix="/shared-delivery-link/{token}",
    tags=["shared delivery links"],
    route_class=LinkHolderRoute,
)


@router.post(
    "/shared-delivery-links", status_code=status.HTTP_201_CREATED, response_model=LinkCreated
)
def create_link(
    body: LinkCreate, _: AdminUser, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> LinkCreated:
    """A link for one route and date; its URL and token are shown in this answer only."""
    link, token = service.create_link(
        session, body, actor, zone=settings.zone, base_url=settings.base_url
    )
    return LinkCreated(
        **LinkRead.model_validate(link).model_dump(),
        token=token,
        url=service.url_of(token, settings.base_url),
    )


@router.get("/shared-delivery-links", response_model=Page[LinkRead])
def list_links(
    _: AdminUser,
    session: SessionDep,
    route_id: IdFilter = None,
    delivery_date: BusinessDate | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[LinkRead]:
    links, next_cursor = queries.list_links(
        session, limit=limit, cursor=cursor, route_id=route_id, delivery_date=delivery_date
    )
    return Page[LinkRead](
        items=[LinkRead.model_validate(link) for link in links], next_cursor=next_cursor
    )


@router.delete("/shared-delivery-links/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_link(link_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep) -> Response:
    """Switch the link off; its holder gets 410 link_revoked from now on."""
    service.revoke_link(session, link_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def open_link(
    token: str, request: Request, session: WriterSessionDep, settings: SettingsDep
) -> SharedDeliveryLink:
    return service.open_link(session, token, client_address(request), zone=settings.zone)


OpenLink = Annotated[SharedDeliveryLink, Depends(open_link)]


@holder.get("", response_model=LinkManifest)
def read_link(request: Request, link: OpenLink, session: WriterSessionDep) -> LinkManifest:
    """The manifest of the link's route and date (opening it is recorded on the trail)."""
    service.record_open(
        session,
        link,
        link_marker(link, request_id=getattr(request.state, "request_id", None)).actor,
    )
    return link_manifest(session, link)


@holder.post("/mark-delivered", response_model=MarkResult)
def link_mark_delivered(
    body: MarkRequest,
    request: Request,
    link: OpenLink,
    session: WriterSessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record one order's delivery, for an order of the link's route and date only."""
    return answer_json(
        delivery_service.mark_once(
            session,
            link_marker(link, request_id=getattr(request.state, "request_id", None)),
            body,
            key=idempotency_key,
            today=clock.today(settings.zone),
        )
    )


@holder.post("/mark-stop", response_model=StopMarkResult)
def link_mark_stop(
    body: StopMarkRequest,
    request: Request,
    link: OpenLink,
    session: WriterSessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record every order at one stop of the link's route and date."""
    return answer_json(
        delivery_service.mark_once(
            session,
            link_marker(link, request_id=getattr(request.state, "request_id", None)),
            body,
            key=idempotency_key,
            today=clock.today(settings.zone),
        )
    )
