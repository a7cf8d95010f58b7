"""Cash handovers for the owner (/admin/cash-handovers): each delivery boy's cash of a day (taken
at the door, ``payments.collections``), what he handed over, the difference, confirmed through
the service the JSON API calls (POST /cash-handovers: ``wallets.topups.confirm_handover``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.billing import handovers
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.payments.schemas import HandoverConfirm
from milkrun.wallets import topups
from milkrun.wallets.generation import threshold_of
from milkrun.web.forms import FormText, form_date, valid_form
from milkrun.web.pages import AdminVisit, PageVisit

router = APIRouter(prefix="/admin/cash-handovers")
WORDS = {
    "delivery_boy_id": "Choose a delivery boy from the list",
    "handed_over": "Handed over: rupees, up to two decimals, e.g. 1200 or 1200.50",
    "note": "Note: up to 200 characters",
    "date": "Choose a date",
}


def show(
    visit: PageVisit,
    day: dt.date,
    *,
    status_code: int = 200,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    confirmed: int | None = None,
) -> Response:
    lines = handovers.day_sheet(visit.session, day)
    return visit.render(
        "admin/billing/handovers.html",
        status_code=status_code,
        day=day,
        today=visit.today,
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1) if day < visit.today else None,
        lines=lines,
        describe=handovers.describe,
        waiting=sum(line.collected_paise for line in lines if line.handover_id is None),
        error=error,
        typed=typed or {},
        confirmed=confirmed,
        zone=visit.settings.zone,
    )


@router.get("", response_model=None)
def sheet(visit: AdminVisit, date: str = "", confirmed: str = "") -> Response:
    try:
        day = form_date(date) if date else visit.today
    except MilkrunError as exc:
        return show(visit, visit.today, status_code=exc.status, error=exc.detail)
    return show(visit, day, confirmed=int(confirmed) if confirmed.isdigit() else None)


@router.post("", response_model=None)
def confirm(
    visit: AdminVisit,
    delivery_boy_id: FormText = "",
    date: FormText = "",
    handed_over: FormText = "",
    note: FormText = "",
) -> Response:
    typed = {
        "delivery_boy_id": delivery_boy_id.strip(),
        "handed_over": handed_over.strip(),
        "note": note.strip(),
    }
    try:
        day = form_date(date)
    except MilkrunError as exc:
        return show(visit, visit.today, status_code=exc.status, error=exc.detail, typed=typed)
    try:
        data = valid_form(
            HandoverConfirm,
            {
                "delivery_boy_id": typed["delivery_boy_id"],
                "date": day.isoformat(),
                "handed_over": typed["handed_over"].replace(",", "").lstrip("₹"),
                "note": typed["note"] or None,
            },
            WORDS,
        )
        line = topups.confirm_handover(
            visit.session,
            visit.actor,
            data,
            threshold_paise=threshold_of(visit.settings),
            today=visit.today,
        )
    except MilkrunError as exc:
        mark_failed(visit.session, exc)
        return show(visit, day, status_code=exc.status, error=exc.detail, typed=typed)
    return RedirectResponse(
        f"/admin/cash-handovers?date={day.isoformat()}&confirmed={line.delivery_boy_id}", 303
    )
