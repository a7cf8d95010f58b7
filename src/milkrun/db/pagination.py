"""Keyset pagination: ``limit`` and an opaque ``cursor``; pages are ``{"items", "next_cursor"}``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from milkrun.errors import InvalidInput
from milkrun.inputs.fields import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

T = TypeVar("T")
ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None


class InvalidCursor(InvalidInput):
    """A ``cursor`` this app did not give out (cut short, edited, or from another list)."""

    code = "invalid_cursor"


class InvalidLimit(InvalidInput):
    """A ``limit`` outside 1 to ``MAX_LIMIT``."""

    code = "invalid_limit"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        after = int(value)
        if prefix != "id" or not 0 <= after <= MAX_ID:
            raise ValueError(raw)
        return after
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API gave out") from exc


def paginate(
    session: Session,
    statement: Select[T],
    id_column: InstrumentedAttribute[int],
    *,
    limit: int,
    cursor: str | None,
    newest_first: bool = False,
) -> tuple[Sequence[T], str | None]:
    """One page of ``statement`` ordered by ``id_column``, and the cursor of the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidLimit(f"limit must be between 1 and {MAX_LIMIT}")
    if cursor is not None:
        after = decode_cursor(cursor)
        statement = statement.where(id_column < after if newest_first else id_column > after)
    order: Any = id_column.desc() if newest_first else id_column.asc()
    rows = session.scalars(statement.order_by(order).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], id_column.key))
