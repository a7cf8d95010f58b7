"""Link tokens: 256 random bits, URL-safe; the database keeps only their SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32  # 256 bits; at least 128 are required
# token_urlsafe(32) gives 43 characters; anything else cannot be a token this module made.
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of the token, hex: what ``shared_delivery_links.token_hash`` stores."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(_SHAPE.match(token))
