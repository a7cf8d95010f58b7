"""Field types for request bodies and parameters: trimmed text and record ids.

Text is trimmed before its length is checked, so "   " is not a name, and may not contain NUL
(PostgreSQL cannot store it). Ids are INTEGER columns (32-bit on PostgreSQL): a larger number is
malformed (422) rather than a question the database cannot even be asked.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def Text(max_length: int, *, min_length: int = 1) -> StringConstraints:
    """Trimmed text of ``min_length`` to ``max_length`` characters: ``Annotated[str, Text(80)]``."""
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_NUL
    )
