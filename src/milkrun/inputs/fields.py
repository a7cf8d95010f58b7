"""Field types for request bodies and parameters: trimmed text and record ids.

Text is trimmed before its length is checked, so "   " is not a name, and may not contain NUL
(PostgreSQL cannot store it). Ids are INTEGER columns (32-bit on PostgreSQL): a larger number is
malformed (422) rather than a question the database cannot even be asked.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"
_DIGITS = re.compile(r"^[0-9]{1,12}$")


def _whole_number(value: Any) -> Any:
    """An id is written in digits: "1.0", "1e0", " 1" and 1.0 are not customer 1."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise PydanticCustomError("int_type", "an id is a whole number written in digits")


StrictId = BeforeValidator(_whole_number)
RecordId = Annotated[int, StrictId, Field(ge=1, le=MAX_ID)]


def Text(max_length: int, *, min_length: int = 1) -> StringConstraints:
    """Trimmed text of ``min_length`` to ``max_length`` characters: ``Annotated[str, Text(80)]``."""
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_NUL
    )
