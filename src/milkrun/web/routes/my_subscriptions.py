"""A customer's subscriptions, from its page (/me): subscribing to a product, changing the usual
quantity or schedule from a day, cancelling from a day. Each form calls the use case of
/api/v1/me/subscriptions (``orders.changes``, with the customers' cut-off window); a refusal
shows the page again with the message next to the form and what was typed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.orders import changes
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions.schemas import SubscriptionCreate
from milkrun.web import subscription_forms as forms
from milkrun.web.customer_page import Attempt, CustomerScreen
from milkrun.web.subscription_forms import FormValues

router = APIRouter(prefix="/me/subscriptions")


@router.post("", response_model=None)
def subscribe(screen: CustomerScreen, values: FormValues) -> Response:
    """As POST /api/v1/me/subscriptions, from a day still open."""
    attempt = Attempt("subscribe", "new", values=values, anchor="subscriptions")
    try:
        mine = forms.new_subscription(values)
        data = SubscriptionCreate(customer_id=screen.customer_id, **mine.model_dump())
        changes.create_subscription(screen.session, data, screen.actor, screen.window)
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    return screen.back("subscribed", data.start_date)


@router.post("/{subscription_id}/terms", response_model=None)
def change_usual(screen: CustomerScreen, subscription_id: PathId, values: FormValues) -> Response:
    """The usual quantity or schedule from a day (as PATCH /api/v1/me/subscriptions/{id})."""
    attempt = Attempt("terms", str(subscription_id), values=values, anchor="subscriptions")
    try:
        terms = forms.new_terms(
            {k: v for k, v in values.items() if k not in ("product_id", "shift")}
        )
        changes.change_subscription(
            screen.session,
            subscription_id,
            terms,
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    assert terms.effective_from is not None
    return screen.back("terms", terms.effective_from)


@router.post("/{subscription_id}/cancel", response_model=None)
def cancel(screen: CustomerScreen, subscription_id: PathId, values: FormValues) -> Response:
    """No more deliveries from a day still open: the subscription ends the day before."""
    attempt = Attempt("end", str(subscription_id), values=values, anchor="subscriptions")
    try:
        subscription = subscription_queries.get_subscription(
            screen.session, subscription_id, customer_id=screen.customer_id
        )
        data = forms.last_day(values, subscription.start_date)
        changes.change_subscription(
            screen.session,
            subscription.id,
            data,
            screen.actor,
            screen.window,
            customer_id=screen.customer_id,
        )
    except MilkrunError as exc:
        return screen.refuse(exc, attempt)
    assert data.end_date is not None
    return screen.back("ended", data.end_date + forms.ONE_DAY)
