"""Request size: a body over the limit is refused with 413 before it is parsed (whether or not
it says its length), and a 422 lists only the first invalid fields, with a count."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from fastapi.testclient import TestClient

from milkrun.api.problems import MAX_LISTED_ERRORS
from milkrun.config import Settings

LOGIN = "/api/v1/auth/login"


def _junk(keys: int) -> bytes:
    """What a hostile client sent: a login object with hundreds of thousands of unknown keys."""
    return json.dumps({f"k{n}": n for n in range(keys)}).encode()


def _chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _assert_too_large(response_status: int, body: dict[str, object], settings: Settings) -> None:
    assert response_status == 413
    assert body["code"] == "payload_too_large"
    assert str(settings.max_body_bytes) in str(body["detail"])


def test_the_default_limit_is_one_mebibyte(settings: Settings) -> None:
    assert settings.max_body_bytes == 1024 * 1024


def test_a_body_over_the_limit_is_refused_quickly_and_health_stays_fast(
    client: TestClient, settings: Settings
) -> None:
    junk = _junk(150_000)
    assert len(junk) > settings.max_body_bytes
    started = time.monotonic()
    response = client.post(LOGIN, content=junk, headers={"content-type": "application/json"})
    refused_in = time.monotonic() - started
    _assert_too_large(response.status_code, response.json(), settings)
    assert response.headers["content-type"] == "application/problem+json"
    assert refused_in < 2, refused_in

    started = time.monotonic()
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - started < 2


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(
    client: TestClient, settings: Settings
) -> None:
    junk = _junk(150_000)
    started = time.monotonic()
    response = client.post(
        LOGIN, content=_chunks(junk), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    _assert_too_large(response.status_code, response.json(), settings)
    assert time.monotonic() - started < 2


def test_a_page_form_over_the_limit_is_refused_too(client: TestClient, settings: Settings) -> None:
    response = client.post("/login", data={"username": "x" * (settings.max_body_bytes + 1)})
    assert response.status_code == 413


def test_a_body_under_the_limit_is_read_as_before(client: TestClient) -> None:
    response = client.post(LOGIN, json={"username": "nobody@example.com", "password": "x" * 50})
    assert response.status_code == 401


def test_a_422_lists_the_first_twenty_invalid_fields_and_counts_them_all(
    client: TestClient,
) -> None:
    response = client.post(
        LOGIN,
        json={"username": "a@example.com", "password": "x", **{f"k{n}": n for n in range(500)}},
    )
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == MAX_LISTED_ERRORS == 20
    assert body["error_count"] == 500
