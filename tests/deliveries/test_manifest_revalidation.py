"""The manifest over a slow connection: gzipped, and revalidated with its ETag (304 while
nothing on it changed; a new tag after any mark or change of an order or a stop)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.deliveries.conftest import Walk
from tests.deliveries.test_manifest import MARK

MINE = "/api/v1/delivery-boy/manifest"


def _get(client: TestClient, url: str, headers: dict[str, str], **extra: str) -> Any:
    return client.get(url, headers={**headers, **extra})


def test_the_manifest_travels_gzipped_to_a_client_that_accepts_it(
    client: TestClient, walk: Walk
) -> None:
    zipped = _get(client, MINE, walk.boy.headers, **{"Accept-Encoding": "gzip"})
    plain = _get(client, MINE, walk.boy.headers, **{"Accept-Encoding": "identity"})

    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.num_bytes_downloaded < plain.num_bytes_downloaded / 3
    assert zipped.json()["routes"][0]["stops"] == plain.json()["routes"][0]["stops"]


def test_asked_again_with_its_tag_the_unchanged_manifest_is_304_without_a_body(
    client: TestClient, walk: Walk
) -> None:
    first = _get(client, MINE, walk.boy.headers)
    tag = first.headers["etag"]

    again = _get(client, MINE, walk.boy.headers, **{"If-None-Match": tag})

    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["milkrun-read-at"]
    # Another tag, or a malformed one, gets the whole manifest.
    for other in ('W/"0123"', "garbage", ""):
        answer = _get(client, MINE, walk.boy.headers, **{"If-None-Match": other})
        assert answer.status_code == 200
        assert answer.json() == first.json() | {"routes": answer.json()["routes"]}


def test_a_mark_changes_the_tag_and_the_old_tag_gets_the_new_manifest(
    client: TestClient, walk: Walk
) -> None:
    first = _get(client, MINE, walk.boy.headers)
    tag = first.headers["etag"]
    stop = first.json()["routes"][0]["stops"][0]
    order = stop["orders"][0]
    mark = {"order_id": order["id"], "customer_id": stop["customer"]["id"], "status": "delivered"}
    assert client.post(MARK, json=mark, headers=walk.boy.headers).status_code == 200

    after = _get(client, MINE, walk.boy.headers, **{"If-None-Match": tag})

    assert after.status_code == 200
    assert after.headers["etag"] != tag
    marked = after.json()["routes"][0]["stops"][0]["orders"][0]
    assert (marked["id"], marked["status"]) == (order["id"], "delivered")
    unchanged = _get(client, MINE, walk.boy.headers, **{"If-None-Match": after.headers["etag"]})
    assert unchanged.status_code == 304


def test_a_changed_order_or_stop_changes_the_route_manifests_tag(
    client: TestClient, session: Session, walk: Walk, admin: factories.Login
) -> None:
    url = f"/api/v1/routes/{walk.route.id}/manifest?date={walk.date.isoformat()}"
    tag = _get(client, url, admin.headers).headers["etag"]
    assert _get(client, url, admin.headers, **{"If-None-Match": tag}).status_code == 304

    factories.one_time_order(
        session, customer_id=walk.customers["Usual"].id, product_id=walk.bread.id, day=walk.date
    )
    session.flush()
    with_order = _get(client, url, admin.headers, **{"If-None-Match": tag})
    assert with_order.status_code == 200
    assert with_order.headers["etag"] != tag

    walk.customers["Usual"].address = "12 New Road"
    session.flush()
    moved = _get(client, url, admin.headers, **{"If-None-Match": with_order.headers["etag"]})
    assert moved.status_code == 200
    assert moved.headers["etag"] not in (tag, with_order.headers["etag"])


def test_the_delivery_page_is_gzipped_and_other_pages_are_not(
    client: TestClient, walk: Walk
) -> None:
    client.cookies.set(TOKEN_COOKIE, walk.boy.token)
    page = client.get("/delivery", headers={"Accept-Encoding": "gzip"})
    login = client.get("/login", headers={"Accept-Encoding": "gzip"})

    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "Indiranagar North" in page.text
    assert login.status_code == 200
    assert len(login.content) > 1000  # big enough to be compressed, were it on the list
    assert "content-encoding" not in login.headers
