"""Answers a client may revalidate: an entity tag of what the body says, and 304 Not Modified
when the caller already has it (``If-None-Match``).

The tag is a digest of the body without its ``volatile`` fields (a manifest's ``as_of``, the
time it was read), so it changes exactly when something the caller sees changes: a mark, an
order, a customer's address. The body is built either way (the tag is what it says); what a 304
saves is the bytes on the wire and the phone's work. ``Cache-Control: private, no-cache``: a
browser keeps the answer and asks again each time, with the tag. ``Milkrun-Read-At`` says
when the dairy read what it answered, a 304 included (a browser updates the headers of the
answer it kept from those of the 304, so the page knows how recent its copy is).
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel

from milkrun import clock

CACHE_CONTROL = "private, no-cache"


def entity_tag(body: BaseModel, volatile: Any = None) -> str:
    digest = hashlib.blake2b(body.model_dump_json(exclude=volatile).encode(), digest_size=16)
    # Weak: the same data may travel gzipped or not.
    return f'W/"{digest.hexdigest()}"'


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    return any(
        candidate.strip() == "*" or candidate.strip().removeprefix("W/") == wanted
        for candidate in header.split(",")
    )


def revalidated(request: Request, body: BaseModel, volatile: Any = None) -> Response:
    """``body`` as JSON with its tag, or an empty 304 when the caller has it already."""
    tag = entity_tag(body, volatile)
    headers = {
        "ETag": tag,
        "Cache-Control": CACHE_CONTROL,
        "Milkrun-Read-At": clock.now().isoformat(),
    }
    if _matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(body.model_dump_json(), media_type="application/json", headers=headers)
