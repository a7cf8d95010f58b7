"""A customer's message preferences on the owner's customer page: for each channel that needs
consent (WhatsApp, SMS, email), the customer's word — opted in or out, how it was given and
when — recorded through ``notify.consent.record_consent``, the use case of
PUT /api/v1/customers/{id}/message-consents/{channel}; and the latest messages written to the
customer, with their state (the outbox page has them all)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.notify import consent
from milkrun.notify.schemas import ConsentUpdate
from milkrun.web.forms import valid_form
from milkrun.web.pages import AdminVisit
from milkrun.web.routes.admin_customer import customer_page
from milkrun.web.subscription_forms import Attempt, FormValues

router = APIRouter(prefix="/admin/customers/{customer_id}")
WORDS = {
    "opted_in": "Choose whether the customer wants these messages",
    "source": "Say how the customer told you",
}


@router.post("/consents", response_model=None)
def record_consent(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    page = customer_page(visit, customer_id)
    attempt = Attempt("consent", values.get("channel", ""), values=values)
    try:
        channel = consent.consented_channel(values.get("channel", ""))
        data = valid_form(
            ConsentUpdate,
            {"opted_in": values.get("opted_in", ""), "source": values.get("source", "")},
            WORDS,
        )
        consent.record_consent(
            page.session,
            customer_id,
            channel,
            opted_in=data.opted_in,
            source=data.source,
            actor=page.actor,
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("consent", "messages")
