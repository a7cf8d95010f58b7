"""The pages' router, and how pages answer what goes wrong: a login redirect, an error page.

Every form is checked against cross-site request forgery here, once, for all pages
(``milkrun.http.csrf``); a page never checks for a login itself (``LoginRequired`` is answered
here with the redirect to the login page).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from milkrun import languages
from milkrun.errors import MilkrunError
from milkrun.http import csrf
from milkrun.http.deps import READ_METHODS
from milkrun.languages import N_, _
from milkrun.web.pages import LoginRequired, language_of_request, login_url, render, speak

log = logging.getLogger("milkrun.web")

# The words a person reads for an error without a sentence of its own.
TITLES = {
    400: N_("That request cannot be read"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not possible here"),
    409: N_("That conflicts with something else"),
    410: N_("No longer available"),
    413: N_("Too much was sent"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The dairy's system is busy"),
}


async def _check_form(request: Request) -> None:
    """Every page's POST: sent from this site's own page (``milkrun.http.csrf``)."""
    if request.method in READ_METHODS:
        return
    form = await request.form()
    token = form.get(csrf.FORM_FIELD)
    csrf.check_form(
        request, token if isinstance(token, str) else None, request.app.state.settings.base_url
    )


def build_web_router() -> APIRouter:
    from milkrun.web.routes import (
        accounts,
        admin_audit,
        admin_bill_links,
        admin_billing,
        admin_board,
        admin_container_types,
        admin_containers,
        admin_counter,
        admin_customer,
        admin_customer_messages,
        admin_customer_wallet,
        admin_customers,
        admin_dues,
        admin_generate,
        admin_gstr1,
        admin_handovers,
        admin_hubs,
        admin_invoices,
        admin_offers,
        admin_payments,
        admin_products,
        admin_reconcile,
        admin_reports,
        admin_routes,
        admin_staff,
        admin_statements,
        admin_stop_order,
        bills,
        customer,
        delivery,
        docs,
        languages,
        links,
        messages,
        my_subscriptions,
        route_day,
        signup,
        vacations,
    )

    router = APIRouter(include_in_schema=False, dependencies=[Depends(speak), Depends(_check_form)])
    for module in (
        accounts,
        admin_audit,
        admin_bill_links,
        admin_board,
        admin_generate,
        admin_hubs,
        admin_offers,
        admin_reports,
        admin_customers,  # before admin_customer: /admin/customers/new is not a customer's id
        admin_customer,
        admin_customer_messages,
        admin_customer_wallet,
        admin_products,
        admin_routes,
        admin_stop_order,
        admin_staff,
        bills,
        admin_gstr1,  # before admin_billing: /admin/billing/gstr1 is not a billing month
        admin_billing,
        admin_reconcile,
        admin_invoices,
        admin_statements,
        admin_payments,
        admin_dues,
        admin_containers,
        admin_container_types,
        admin_counter,
        admin_handovers,
        customer,
        delivery,
        docs,
        languages,
        links,
        messages,
        my_subscriptions,
        route_day,
        signup,
        vacations,
    ):
        router.include_router(module.router)
    router.include_router(delivery.worker)
    return router


def is_page(request: Request) -> bool:
    """A person's page (HTML errors) rather than the JSON API or the health check (problems).
    A program that says so (a bearer token, an Accept without HTML) gets a problem anywhere."""
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/openapi.json"):
        return False
    if request.headers.get("authorization"):
        return False
    accept = request.headers.get("accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


def error_page(
    request: Request, status: int, detail: str | None, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The error page, in the page's language: the title, and the sentence when the catalogues
    have it (``detail`` is English from the code)."""
    user = getattr(request.state, "who", None)
    with languages.speaking(language_of_request(request)):
        title = _(TITLES.get(status, TITLES[500]))
        message = _(detail) if detail else None
    response = render(
        request,
        "error.html",
        status_code=status,
        user=user,
        title=title,
        message=message,
        status=status,
        back=request.headers.get("referer"),
    )
    if headers:
        response.headers.update(headers)
    return response


async def login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(login_url(exc.next_path), status_code=303)


async def milkrun_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MilkrunError)
    return error_page(request, exc.status, exc.detail, exc.headers or None)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = {
        404: N_(
            "There is no page at this address. Check the link, or start again from the home page."
        ),
        405: N_("This address cannot be used that way. Start again from the page you were on."),
    }.get(status, str(exc.detail))
    return error_page(request, status, detail, dict(exc.headers) if exc.headers else None)


async def invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_page(
        request,
        400,
        N_(
            "This address or form has a value the page cannot read (a date, a number or a "
            "choice). Go back and try again from the page."
        ),
    )


async def unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on a page", exc_info=exc)
    return error_page(
        request, 500, N_("Something went wrong on our side; nothing was changed. Try again.")
    )
