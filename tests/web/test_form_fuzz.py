"""A quick fuzz of every admin form POST: each route's form fields sent empty, as huge numbers,
as words where numbers go, over-long, and on ids that do not exist. No answer may be a 5xx
(a refusal is a page with a message: 400/404/409...)."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import Mount

from milkrun.http.deps import TOKEN_COOKIE
from tests import factories
from tests.factories import Login

VALUES = ["", "9" * 30, "-1", "abc", "x" * 5000, "1e400", "0", "2026-02-30", "₹1,00,00,00,00,000"]


def _admin_form_routes(client: TestClient) -> list[tuple[str, list[str]]]:
    found = []
    stack: list[tuple[str, object]] = [("", route) for route in client.app.routes]  # type: ignore[attr-defined]
    while stack:
        prefix, route = stack.pop()
        inner_router = getattr(route, "original_router", None)  # an included router
        if inner_router is not None:
            stack.extend((prefix, inner) for inner in inner_router.routes)
            continue
        if isinstance(route, Mount):
            stack.extend((prefix + route.path, inner) for inner in route.routes)
            continue
        if not isinstance(route, APIRoute) or "POST" not in (route.methods or set()):
            continue
        path = prefix + route.path
        if path.startswith("/admin"):
            found.append((path, [param.alias for param in route.dependant.body_params]))
    return sorted(found)


@pytest.fixture
def owner(client: TestClient, session: Session, admin: Login) -> TestClient:
    factories.customer(session, name="Fuzz customer")
    factories.product(session, sku="FUZZ")
    client.cookies.set(TOKEN_COOKIE, admin.token)
    return client


def test_no_admin_form_answers_5xx(owner: TestClient) -> None:
    failures = []
    routes = _admin_form_routes(owner)
    assert len(routes) > 20
    for path, fields in routes:
        for record_id in ("1", "999999999"):
            url = re.sub(r"\{[^}]+\}", record_id, path)
            for value in VALUES:
                answer = owner.post(url, data=dict.fromkeys(fields, value), follow_redirects=False)
                if answer.status_code >= 500:
                    failures.append((url, value[:20], answer.status_code))
            answer = owner.post(url, data={}, follow_redirects=False)
            if answer.status_code >= 500:
                failures.append((url, "(no fields)", answer.status_code))
    assert failures == [], "\n".join(map(str, failures))
