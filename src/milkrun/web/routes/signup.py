"""A customer signs up on a page (/signup): the customer and its login in one step, as POST
/api/v1/auth/register (``customers.logins.self_register``): the area or PIN code places it on the
route that serves it, else it waits for the owner to place it. Signed up, it is logged in and
lands on its page to subscribe."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from milkrun import clock
from milkrun.auth import tokens
from milkrun.customers import logins
from milkrun.customers.schemas import RegisterRequest
from milkrun.db.session import mark_failed
from milkrun.errors import MilkrunError
from milkrun.http.deps import TOKEN_COOKIE, SessionDep, SettingsDep, actor_for
from milkrun.languages import N_
from milkrun.web.forms import valid_form
from milkrun.web.pages import language_of_request, render
from milkrun.web.subscription_forms import FormValues

router = APIRouter()

FIELDS = ("name", "phone", "email", "address", "area")
WORDS = {
    "name": N_("Your name: 1 to 120 characters"),
    "phone": N_("Your phone number, as you write it"),
    "email": N_("Email: an address like name@example.com, or empty"),
    "password": N_("The password needs at least 8 characters"),
    "address": N_("Your address: house, street (1 to 500 characters)"),
    "area": N_("Your area or PIN code"),
}


def _form(
    request: Request, values: dict[str, str], status: int = 200, message: str = ""
) -> Response:
    return render(
        request, "customer/signup.html", status, user=None, values=values, message=message
    )


@router.get("/signup", response_model=None)
def signup_form(request: Request) -> Response:
    return _form(request, {})


@router.post("/signup", response_model=None)
def signup(
    request: Request, session: SessionDep, settings: SettingsDep, values: FormValues
) -> Response:
    typed = {name: values.get(name, "") for name in FIELDS}
    try:
        data = valid_form(
            RegisterRequest,
            {**typed, "email": typed["email"] or None, "password": values.get("password", "")},
            WORDS,
        )
        user, _ = logins.self_register(
            session, data, actor_for(request, None, "web"), language=language_of_request(request)
        )
    except MilkrunError as exc:
        mark_failed(session, exc)
        return _form(request, typed, exc.status, exc.detail)
    token = tokens.issue_token(
        user,
        secret=settings.secret_key.get_secret_value(),
        minutes=settings.access_token_minutes,
    )
    today = clock.today(settings.zone).isoformat()
    response = RedirectResponse(f"/me?done=welcome&on={today}#subscriptions", status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=settings.base_url.startswith("https"),
    )
    return response
