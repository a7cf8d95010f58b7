"""Festival offers for the owner (/admin/offers): make one (a date, a product on sale that day,
a title and a few words), see the coming ones with how many customers said yes, and who did
(/admin/offers/{id}). Customers accept on their own page (/me). A refusal shows the form again
with what was typed and the message, and changes nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from milkrun.catalog import queries as catalog_queries
from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.offers import queries as offer_queries
from milkrun.offers import service as offer_service
from milkrun.offers.schemas import OfferCreate
from milkrun.web.forms import FormText, form_date, valid_form
from milkrun.web.pages import AdminVisit, PageVisit
from milkrun.web.routes.console import refused

router = APIRouter(prefix="/admin/offers")
WORDS = {
    "offer_date": "Choose the date of the offer",
    "product_id": "Choose a product from the list",
    "title": "Title: up to 120 characters",
    "description": "A few words: up to 500 characters",
}
BLANK = {"offer_date": "", "product_id": "", "title": "", "description": ""}


def _page(visit: PageVisit, status_code: int = 200, **extra: Any) -> Response:
    return visit.render(
        "admin/hubs/offers.html",
        status_code,
        offers=offer_queries.offers_from(visit.session, visit.today, visit.scope),
        products=catalog_queries.products_on_sale(visit.session),
        limited=visit.scope.is_limited,
        today=visit.today,
        typed=extra.pop("typed", BLANK),
        done=visit.request.query_params.get("done") == "made",
        **extra,
    )


@router.get("", response_model=None)
def offers(visit: AdminVisit) -> Response:
    return _page(visit)


@router.post("", response_model=None)
def make_offer(
    visit: AdminVisit,
    offer_date: FormText = "",
    product_id: FormText = "",
    title: FormText = "",
    description: FormText = "",
) -> Response:
    typed = {
        "offer_date": offer_date,
        "product_id": product_id,
        "title": title,
        "description": description,
    }
    try:
        day = form_date(offer_date, WORDS["offer_date"])
        data = valid_form(
            OfferCreate,
            {
                "offer_date": day,
                "product_id": product_id.strip(),
                "title": title.strip(),
                "description": description.strip(),
            },
            WORDS,
        )
        offer_service.create_offer(
            visit.session,
            data.offer_date,
            data.product_id,
            data.title,
            data.description,
            visit.actor,
            visit.scope,
            today=visit.today,
        )
    except MilkrunError as exc:
        return _page(visit, typed=typed, **refused(visit, exc))
    return RedirectResponse("/admin/offers?done=made", status_code=303)


@router.get("/{offer_id}", response_model=None)
def offer(visit: AdminVisit, offer_id: PathId) -> Response:
    found = offer_queries.get_offer(visit.session, offer_id)
    return visit.render(
        "admin/hubs/offer.html",
        offer=found,
        acceptances=offer_queries.acceptances(visit.session, offer_id, visit.scope),
    )
