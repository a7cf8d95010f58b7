"""The owner previews every message template in English, Hindi and Kannada (admins only)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from milkrun.http.deps import TOKEN_COOKIE
from milkrun.notify.templates import REGISTRY
from tests.factories import Login

URL = "/admin/messages/templates"


def test_the_owner_sees_each_template_in_each_language(client: TestClient, admin: Login) -> None:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    page = client.get(URL)
    assert page.status_code == 200
    for name in REGISTRY:
        assert f'id="{name}"' in page.text
    assert "nobody was at home" in page.text
    assert "घर पर कोई नहीं था" in page.text
    assert "ಮನೆಯಲ್ಲಿ ಯಾರೂ ಇರಲಿಲ್ಲ" in page.text
    assert "{#var#}" in page.text
    assert "milkrun_bill_finalized" in page.text


def test_others_are_sent_to_the_login(client: TestClient, delivery_boy: Login) -> None:
    assert client.get(URL, follow_redirects=False).status_code == 303
    client.cookies.set(TOKEN_COOKIE, delivery_boy.token)
    answer = client.get(URL, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
