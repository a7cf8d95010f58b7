"""The admin's home: the today board (``reports.board``), and its progress part alone, which the
page fetches every half minute to refresh itself (one small request, one statement)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.reports import board as board_queries
from milkrun.web.pages import AdminVisit

router = APIRouter(prefix="/admin")
REFRESH_SECONDS = 30


@router.get("", response_model=None)
def today_board(visit: AdminVisit) -> Response:
    board = board_queries.board(visit.session, visit.today, visit.settings)
    return visit.render(
        "admin/board/home.html",
        board=board,
        progress=board.progress,
        day=board.day,
        yesterday=board.day - dt.timedelta(days=1),
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
        progress=board_queries.progress(visit.session, visit.today),
        every=REFRESH_SECONDS,
    )
