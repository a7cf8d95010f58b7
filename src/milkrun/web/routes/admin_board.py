"""The admin's home: the today board (``reports.board``) with what yesterday's day close did
and the past orders waiting for the owner (``deliveries.closes``); and its progress part alone,
which the page fetches every half minute to refresh itself (one small request, one
statement)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.deliveries import closes
from milkrun.reports import board as board_queries
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
REFRESH_SECONDS = 30


@router.get("", response_model=None)
def today_board(visit: AdminVisit) -> Response:
    board = board_queries.board(visit.session, visit.today, visit.settings, visit.scope)
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
        review=closes.waiting_for_review(visit.session, board.day),
        review_count=closes.count_unresolved(visit.session, board.day),
        business=visit.settings.business_name,
        zone=visit.settings.zone,
        every=REFRESH_SECONDS,
    )


@router.get("/board/progress", response_model=None)
def board_progress(visit: AdminVisit) -> Response:
    """Just the day's progress, for the board to replace its own (``data-refresh``)."""
    return visit.render(
        "admin/board/progress.html",
        day=visit.today,
        progress=board_queries.progress(visit.session, visit.today, visit.scope),
        every=REFRESH_SECONDS,
    )
