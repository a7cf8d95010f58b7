"""Login tokens: HS256 JWTs with subject, issue time, a required, checked expiry and the user's
token version; and the one way a token becomes a user (``user_for_token``), for the API and the
pages alike.

A token is good only while its version is the user's ``token_version``: changing a password,
logging out or disabling a login raises the version, which ends every older token at once. The
check costs nothing extra: the user is loaded anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.auth.errors import InvalidToken, LoginDisabled, TokenExpired, TokenRevoked
from milkrun.auth.models import Role, User
from milkrun.errors import Forbidden

ALGORITHM = "HS256"


def issue_token(user: User, *, secret: str, minutes: int) -> str:
    now = clock.now()
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "ver": user.token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _invalid() -> InvalidToken:
    return InvalidToken("The access token is not valid")


def _expired() -> TokenExpired:
    return TokenExpired("Your session has expired; log in again")


def _claims(token: str, *, secret: str) -> tuple[int, int]:
    """The user id and token version a token carries, if it is ours and not expired."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            # PyJWT would check "exp" against the wall clock; expiry is checked below against
            # milkrun's clock instead, which tests and the demo may set.
            options={
                "require": ["exp", "iat", "sub", "ver"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError as exc:
        raise _invalid() from exc
    try:
        expires = int(claims["exp"])
        user_id = int(claims["sub"])
        version = claims["ver"]
    except (TypeError, ValueError) as exc:
        raise _invalid() from exc
    if not isinstance(version, int) or isinstance(version, bool):
        raise _invalid()
    if expires <= int(clock.now().timestamp()):
        raise _expired()
    return user_id, version


def user_for_token(
    session: Session, token: str, *, secret: str, roles: tuple[Role, ...] = ()
) -> User:
    """The user a token logs in: 401 unless the token is valid and unexpired, its user exists,
    is active and has not ended the token (password change, logout); 403 if ``roles`` are given
    and the user has none of them."""
    user_id, version = _claims(token, secret=secret)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise LoginDisabled("This login no longer exists or is disabled")
    if user.token_version != version:
        raise TokenRevoked("This session was ended (a password change or a logout); log in again")
    if roles and user.role not in roles:
        raise Forbidden(f"This needs the {' or '.join(r.value for r in roles)} role")
    return user


def end_tokens(user: User) -> None:
    """End every token issued to ``user`` so far (one UPDATE: racing ends all count)."""
    user.token_version = User.token_version + 1
