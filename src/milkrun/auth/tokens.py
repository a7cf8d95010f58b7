"""Bearer tokens: HS256 JWTs with subject, issue time and a required, checked expiry."""

from __future__ import annotations

import datetime as dt

import jwt

from milkrun import clock
from milkrun.auth.errors import InvalidToken, TokenExpired

ALGORITHM = "HS256"


def issue_token(user_id: int, role: str, *, secret: str, minutes: int) -> str:
    now = clock.now()
    claims = {
        "sub": str(user_id),
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, *, secret: str) -> int:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            # PyJWT would check "exp" against the wall clock; expiry is checked below against
            # milkrun's clock instead, which tests and the demo may set.
            options={"require": ["exp", "iat", "sub"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("Your session has expired; log in again") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("The access token is not valid") from exc
    try:
        expires = int(claims["exp"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("The access token is not valid") from exc
    if expires <= int(clock.now().timestamp()):
        raise TokenExpired("Your session has expired; log in again")
    try:
        return int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("The access token is not valid") from exc
