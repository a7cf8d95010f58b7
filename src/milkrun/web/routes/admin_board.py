"""The admin's home: the today board (``reports.board``) with what yesterday's day close did
and the past orders waiting for the owner (``deliveries.closes``); and its progress part alone,
which the page fetches every half minute to refresh itself (one small request, one
statement). An admin of every hub may narrow the board to one hub (``?hub=``, kept in the
refresh's request); one limited to a hub sees its hub's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.deliveries import closes
from milkrun.hubs.models import Hub
from milkrun.hubs.scope import HubScope
from milkrun.reports import board as board_queries
from milkrun.web.hub_choice import hub_choice
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin")
REFRESH_SECONDS = 30


def _in_view(visit: PageVisit, hub: str) -> tuple[HubScope, Sequence[Hub], str]:
    """The hub the board shows (``web.hub_choice``); the hubs to choose from; the refresh URL."""
    chosen = hub_choice(visit, hub)
    refresh = "/admin/board/progress" + (f"?{urlencode(chosen.query)}" if chosen.query else "")
    return chosen.scope, chosen.hubs, refresh


@router.get("", response_model=None)
def today_board(visit: AdminVisit, hub: str = "") -> Response:
    scope, hubs, refresh = _in_view(visit, hub)
    board = board_queries.board(visit.session, visit.today, visit.settings, scope)
    yesterday = board.day - dt.timedelta(days=1)
    return visit.render(
        "admin/board/home.html",
        board=board,
        progress=board.progress,
        day=board.day,
        yesterday=yesterday,
        close=closes.close_of(visit.session, yesterday),
        close_day=yesterday,
        close_time=visit.settings.day_close_time,
        review=closes.waiting_for_review(visit.session, board.day, scope=scope),
        review_count=closes.count_unresolved(visit.session, board.day, scope=scope),
        business=visit.settings.business_name,
        zone=visit.settings.zone,
        every=REFRESH_SECONDS,
        hubs=hubs,
        hub=str(scope.hub_id) if hubs and scope.hub_id else "",
        one_hub=scope.is_limited,
        refresh=refresh,
    )


@router.get("/board/progress", response_model=None)
def board_progress(visit: AdminVisit, hub: str = "") -> Response:
    """Just the day's progress, for the board to replace its own (``data-refresh``)."""
    scope, _, refresh = _in_view(visit, hub)
    return visit.render(
        "admin/board/progress.html",
        day=visit.today,
        progress=board_queries.progress(visit.session, visit.today, scope),
        every=REFRESH_SECONDS,
        refresh=refresh,
    )
