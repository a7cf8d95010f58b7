"""The delivery boy's page: the day's stops in order, marked with big buttons, working through a
bad connection (marks wait in the phone's storage and are sent, exactly once, when it allows)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from milkrun import clock
from milkrun.containers import queries as container_queries
from milkrun.date_window import BusinessDate
from milkrun.deliveries.manifest import manifest
from milkrun.payments import collections
from milkrun.routing import queries as routing_queries
from milkrun.web.pages import STATIC_DIR, DeliveryVisit

router = APIRouter(prefix="/delivery")
# Served from the top of the site: a service worker controls at most the paths under its own.
worker = APIRouter()


@worker.get("/delivery-sw.js", response_model=None)
def service_worker() -> FileResponse:
    """The delivery pages' service worker (opens a page already seen without a connection)."""
    return FileResponse(
        STATIC_DIR / "delivery-sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},  # a new version reaches phones at once
    )


@router.get("", response_model=None)
def home(visit: DeliveryVisit, date: BusinessDate | None = None) -> Response:
    session, user = visit.session, visit.user
    today = visit.today
    day = date or today
    routes = routing_queries.routes_walked_by(session, user.id, day)
    manifests = [manifest(session, route, day).model_dump(mode="json") for route in routes]
    customer_ids = [stop["customer"]["id"] for m in manifests for stop in m["stops"]]
    # Containers and cash at the stops (the delivery round): see static/delivery-round.js.
    round_data = {
        **container_queries.for_delivery_page(session, customer_ids),
        "cash": {str(c): p for c, p in collections.taken_by(session, user.id, day).items()},
        "as_of": clock.now().isoformat(),
    }
    return visit.render(
        "delivery/day.html",
        day=day,
        today=today,
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1) if day < today else None,
        manifests=manifests,
        link=None,
        round_data=round_data,
        config={
            "scope": f"user:{user.id}",
            "date": day.isoformat(),
            "markUrl": "/api/v1/delivery-boy/mark-delivered",
            "stopUrl": "/api/v1/delivery-boy/mark-stop",
            "manifestUrl": f"/api/v1/delivery-boy/manifest?date={day.isoformat()}",
            "containersUrl": "/api/v1/delivery-boy/containers",
            "cashUrl": "/api/v1/delivery-boy/cash",
            "loginUrl": f"/login?next=/delivery%3Fdate%3D{day.isoformat()}",
            # Proof of delivery: the phone's location goes with each mark, and a stop's door
            # can be sent for the owner's approval ("this stop is here").
            "proof": visit.settings.proof_of_delivery,
            "locationUrl": "/api/v1/delivery-boy/stop-location",
        },
    )
