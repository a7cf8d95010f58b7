from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, status

from milkrun.api.deps import CurrentUser, SessionDep, SettingsDep, actor_for
from milkrun.auth import service, tokens
from milkrun.auth.schemas import LoginRequest, PasswordChange, TokenResponse
from milkrun.customers import logins as customer_logins
from milkrun.customers import queries as customer_queries
from milkrun.customers.schemas import CustomerRead, MeRead, RegisterRequest, RegisterResponse

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=RegisterResponse)
def register(body: RegisterRequest, request: Request, session: SessionDep) -> RegisterResponse:
    """Customer sign-up: the customer and its login, in one transaction."""
    user, customer = customer_logins.self_register(session, body, actor_for(request, None, "api"))
    return RegisterResponse.model_validate(
        {"user": user, "customer": customer}, from_attributes=True
    )


@router.post("/login", response_model=TokenResponse)
def login(body: LoginRequest, session: SessionDep, settings: SettingsDep) -> TokenResponse:
    """A bearer token for a phone (any format) or email and password."""
    user = service.authenticate(
        session,
        body.username,
        body.password,
        max_failures=settings.login_max_failures,
        lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
    )
    token = tokens.issue_token(
        user,
        secret=settings.secret_key.get_secret_value(),
        minutes=settings.access_token_minutes,
    )
    return TokenResponse(access_token=token, expires_in=settings.access_token_minutes * 60)


@router.post("/password", response_model=TokenResponse)
def change_password(
    body: PasswordChange,
    user: CurrentUser,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    """Change your own password. Every older token ends; the answer carries a new one."""
    service.change_own_password(
        session,
        user,
        body.current_password,
        body.new_password,
        actor_for(request, user),
        max_failures=settings.login_max_failures,
        lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
    )
    session.refresh(user)
    token = tokens.issue_token(
        user,
        secret=settings.secret_key.get_secret_value(),
        minutes=settings.access_token_minutes,
    )
    return TokenResponse(access_token=token, expires_in=settings.access_token_minutes * 60)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser, session: SessionDep) -> None:
    """End every session of the caller: this token and any other issued before it."""
    service.log_out(session, user)


@router.get("/me", response_model=MeRead)
def me(user: CurrentUser, session: SessionDep) -> MeRead:
    """The logged-in user and, for a customer, its customer record."""
    read = MeRead.model_validate(user)
    if user.customer_id is not None:
        read.customer = CustomerRead.model_validate(
            customer_queries.get_customer(session, user.customer_id)
        )
    return read
