"""A customer's vacations, from its page (/me): deliveries paused from a day still open, to a day
or until resumed; a vacation ended early, or called off before it begins. Each form calls the
same use case as the JSON API (``orders.changes``: the pause, the re-sync of materialized days,
the audit event); a refusal shows the page again with the message next to the form."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.errors import MilkrunError
from milkrun.languages import N_
from milkrun.orders import changes
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions.errors import EndBeforeStart
from milkrun.subscriptions.models import Pause
from milkrun.subscriptions.schemas import PauseCreate, PauseUpdate
from milkrun.web.customer_page import ONE_DAY, Attempt, CustomerScreen, Screen
from milkrun.web.customer_views import day_name
from milkrun.web.errors import ResumeBeforeStart
from milkrun.web.forms import FormText, form_date, record_id, valid_form

router = APIRouter(prefix="/me")

PAUSE_WORDS = {
    "start_date": N_("Choose the first day without deliveries"),
    "end_date": N_("The last day without deliveries is a date, or empty (until you resume)"),
    "reason": N_("The note is at most 200 characters"),
}


@router.post("/pauses", response_model=None)
def take_vacation(
    screen: CustomerScreen,
    subscription_id: FormText = "",
    start_date: FormText = "",
    end_date: FormText = "",
    reason: FormText = "",
) -> Response:
    """Pause all deliveries (``subscription_id`` empty) or one subscription's, from a day still
    open, to a day or until resumed (as POST /api/v1/me/pauses and .../{id}/pauses)."""
    attempt = Attempt(
        "pause",
        "new",
        values={
            "subscription_id": subscription_id,
            "start_date": start_date,
            "end_date": end_date,
            "reason": reason,
        },
        anchor="vacations",
    )
    try:
        data = valid_form(
            PauseCreate,
            {
                "start_date": start_date.strip(),
                "end_date": end_date.strip() or None,
                "reason": reason.strip() or None,
            },
            PAUSE_WORDS,
        )
        pause_of = record_id(subscription_id, "subscription") if subscription_id else None
        changes.create_pause(
            screen.session,
            data,
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
            subscription_id=pause_of,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("paused", data.start_date)


def _my_pause(screen: Screen, pause_id: str) -> Pause:
    return subscription_queries.get_pause(
        screen.session, record_id(pause_id, "pause"), customer_id=screen.customer_id
    )


@router.post("/pauses/resume", response_model=None)
def resume(screen: CustomerScreen, pause_id: FormText = "", resume_on: FormText = "") -> Response:
    """End a vacation early: deliveries again from ``resume_on`` (the pause's last day is the
    day before), a day still open (as PATCH /api/v1/me/pauses/{id} with ``end_date``)."""
    attempt = Attempt("resume", pause_id, values={"resume_on": resume_on}, anchor="vacations")
    try:
        pause = _my_pause(screen, pause_id)
        day = form_date(resume_on, N_("Choose the day deliveries start again"))
        try:
            changes.update_pause(
                screen.session,
                pause.id,
                PauseUpdate(end_date=day - ONE_DAY),
                screen.actor,
                screen.window,
                customer_id=screen.customer_id,
            )
        except EndBeforeStart as exc:
            # The domain's refusal, in the words of this form (a day to start again).
            raise ResumeBeforeStart(
                f"This vacation starts on {day_name(pause.start_date)}: choose a later day,"
                " or call the vacation off",
            ) from exc
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("resumed", day)


@router.post("/pauses/call-off", response_model=None)
def call_off(screen: CustomerScreen, pause_id: FormText = "") -> Response:
    """Call off a vacation that has not begun (as DELETE /api/v1/me/pauses/{id})."""
    attempt = Attempt("resume", pause_id, anchor="vacations")
    try:
        pause = _my_pause(screen, pause_id)
        day = pause.start_date
        changes.delete_pause(
            screen.session, pause.id, screen.actor, screen.window, customer_id=screen.customer_id
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("called_off", day)
