"""What a hostile page cannot do with a person's login, and what every answer tells the browser.

Cross-site request forgery: every form post and every cookie-authenticated change to the API
must come from this site's own page (an Origin of this site, and a token or header only this
site's page has); a form from another origin (a sibling subdomain is one) changes nothing.
Security headers: a strict CSP with no inline script and no framing, nosniff, a permissions
policy, HSTS behind https. People get HTML error pages, programs problem details; /docs and
/redoc work with no request leaving the machine.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.db.session import Database
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.links.models import SharedDeliveryLink
from milkrun.orders.models import Order
from milkrun.routing.models import RouteSubstitute
from tests import factories
from tests.conftest import TEST_SECRET, make_client
from tests.order_book import MORNING, Shop, day, make_shop
from tests.web.conftest import LiveServer, log_in

EVIL = "https://evil.example"
SIBLING = "http://shop.127.0.0.1.nip.test"


@pytest.fixture
def shop(client: TestClient, session: Session, settings: Settings) -> Shop:
    return make_shop(session, settings)


def _orders(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order)) or 0


def _as(client: TestClient, token: str) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, token)
    return client


def _one_time_order(shop: Shop) -> dict[str, str]:
    return {
        "delivery_date": day(2).isoformat(),
        "product_id": str(shop.dairy.curd.id),
        "quantity": "2",
    }


# --- forms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [EVIL, SIBLING, "http://testserver:8080"])
def test_a_form_from_another_origin_is_refused_and_changes_nothing(
    client: TestClient, session: Session, shop: Shop, origin: str
) -> None:
    _as(client, shop.me.token)
    before = _orders(session)

    answer = client.post("/me/orders", data=_one_time_order(shop), headers={"Origin": origin})

    assert answer.status_code == 403
    assert "text/html" in answer.headers["content-type"]
    assert "sent from another site" in answer.text
    assert _orders(session) == before


def test_a_referer_from_another_site_is_refused_when_there_is_no_origin(
    client: TestClient, session: Session, shop: Shop
) -> None:
    _as(client, shop.me.token)
    before = _orders(session)

    answer = client.post(
        "/me/orders", data=_one_time_order(shop), headers={"Referer": f"{EVIL}/attack.html"}
    )

    assert answer.status_code == 403
    assert _orders(session) == before


@pytest.mark.parametrize("token", [None, "", "0" * 64, "not-a-token"])
def test_a_form_without_this_sites_token_is_refused(
    client: TestClient, session: Session, shop: Shop, token: str | None
) -> None:
    _as(client, shop.me.token)
    before = _orders(session)
    data = _one_time_order(shop)
    if token is not None:
        data["csrf_token"] = token

    answer = client.post("/me/orders", data=data, csrf=False)

    assert answer.status_code == 403
    assert "Reload the page" in answer.text
    assert _orders(session) == before


def test_a_token_is_bound_to_the_login_it_was_given_to(
    client: TestClient, session: Session, shop: Shop, settings: Settings, database: Database
) -> None:
    """Another customer's token (learnt from its own page) is worth nothing with this login."""
    _as(client, shop.other.token)
    others_token = client.page_token()
    _as(client, shop.me.token)
    before = _orders(session)

    refused = client.post(
        "/me/orders",
        data={**_one_time_order(shop), "csrf_token": others_token},
        csrf=False,
    )
    accepted = client.post(
        "/me/orders",
        data=_one_time_order(shop),
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert accepted.status_code == 303
    assert _orders(session) == before + 1


def test_the_admins_link_and_substitute_forms_refuse_another_origin(
    client: TestClient, session: Session, shop: Shop
) -> None:
    """The link form's answer holds a new link's token: from another origin nothing is made."""
    _as(client, shop.admin.token)
    route = shop.dairy.route
    boy = factories.delivery_boy_user(session, name="Suresh")

    made = client.post(
        f"/admin/routes/{route.id}/day/links",
        data={"delivery_date": day(1).isoformat(), "label": "Suresh"},
        headers={"Origin": EVIL},
    )
    substituted = client.post(
        f"/admin/routes/{route.id}/day/substitute",
        data={"delivery_date": day(1).isoformat(), "delivery_boy_id": str(boy.id)},
        headers={"Origin": EVIL},
    )

    assert (made.status_code, substituted.status_code) == (403, 403)
    assert "/l/" not in made.text
    assert session.scalar(select(func.count()).select_from(SharedDeliveryLink)) == 0
    assert session.scalar(select(func.count()).select_from(RouteSubstitute)) == 0


def test_the_login_form_needs_the_token_too(client: TestClient, admin: factories.Login) -> None:
    data = {"username": admin.user.phone or "", "password": factories.PASSWORD}

    forged = client.post("/login", data=data, csrf=False, follow_redirects=False)
    cross = client.post("/login", data=data, headers={"Origin": EVIL}, follow_redirects=False)
    own = client.post("/login", data=data, follow_redirects=False)

    assert (forged.status_code, cross.status_code, own.status_code) == (403, 403, 303)


# --- the API with the login cookie ----------------------------------------------------------------


def test_the_api_with_the_cookie_needs_the_pages_header(
    client: TestClient, session: Session, shop: Shop
) -> None:
    """The delivery page's script sends X-CSRF-Token; a form or script elsewhere cannot."""
    _as(client, shop.me.token)
    body = {
        "delivery_date": day(2).isoformat(),
        "product_id": shop.dairy.curd.id,
        "quantity": 1,
    }
    before = _orders(session)

    bare = client.post("/api/v1/me/orders", json=body)
    cross = client.post(
        "/api/v1/me/orders", json=body, headers={"X-CSRF-Token": "1", "Origin": EVIL}
    )
    own = client.post(
        "/api/v1/me/orders",
        json=body,
        headers={"X-CSRF-Token": "1", "Origin": "http://testserver"},
    )

    assert bare.status_code == 403
    assert bare.headers["content-type"] == "application/problem+json"
    assert bare.json()["code"] == "csrf_failed"
    assert cross.status_code == 403
    assert own.status_code == 201, own.text
    assert _orders(session) == before + 1


def test_a_bearer_token_needs_no_csrf_header(
    settings: Settings, database: Database, session: Session, shop: Shop
) -> None:
    with make_client(settings, database) as program:
        answer = program.post(
            "/api/v1/me/orders",
            json={
                "delivery_date": day(2).isoformat(),
                "product_id": shop.dairy.curd.id,
                "quantity": 1,
            },
            headers={"Authorization": f"Bearer {shop.me.token}"},
        )
    assert answer.status_code == 201, answer.text


# --- headers --------------------------------------------------------------------------------------


def _csp(headers: Mapping[str, str]) -> dict[str, str]:
    directives = {}
    for part in headers["content-security-policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("path", ["/login", "/me", "/api/v1/products", "/healthz", "/nope"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    answer = client.get(path, follow_redirects=False)

    csp = _csp(answer.headers)
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "camera=()" in answer.headers["permissions-policy"]
    assert "strict-transport-security" not in answer.headers


def test_hsts_when_the_dairy_is_served_over_https(database: Database) -> None:
    settings = Settings(
        env="test",
        database_url="sqlite://",
        secret_key=TEST_SECRET,
        base_url="https://milk.example.in",
    )
    with make_client(settings, database) as client:
        answer = client.get("/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_a_shared_links_own_referrer_policy_is_kept(client: TestClient) -> None:
    answer = client.get("/l/" + "x" * 43)
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert _csp(answer.headers)["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script_or_handler() -> None:
    from milkrun.web.pages import WEB_DIR

    for template in (WEB_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert not re.search(r"\son[a-z]+=", text), template
        assert "style=" not in text, template


# --- errors for people, problems for programs -----------------------------------------------------


def test_a_person_gets_an_error_page_and_a_program_a_problem(client: TestClient) -> None:
    page = client.get("/no/such/page", headers={"Accept": "text/html"})
    api = client.get("/api/v1/no/such/thing")

    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Page not found" in page.text
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_a_page_address_with_a_bad_value_is_a_page_not_json(client: TestClient, shop: Shop) -> None:
    _as(client, shop.admin.token)
    answer = client.get("/admin/routes/abc/day", headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "text/html" in answer.headers["content-type"]
    assert "cannot read" in answer.text


def test_a_page_needing_a_login_comes_back_to_the_same_address(client: TestClient) -> None:
    answer = client.get("/admin/customers?q=asha", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/admin/customers%3Fq%3Dasha"


def test_the_favicon(client: TestClient) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")


# --- the API's documentation offline ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        ("/docs", ["/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js"]),
        ("/redoc", ["/docs/assets/redoc.standalone.js"]),
    ],
)
def test_the_api_docs_load_nothing_from_elsewhere(
    client: TestClient, path: str, assets: list[str]
) -> None:
    page = client.get(path)

    assert page.status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert "<script>" not in page.text
    for asset in assets:
        assert asset in page.text
        answer = client.get(asset)
        assert answer.status_code == 200
        assert len(answer.content) > 10_000
    assert client.get("/docs/assets/../../app.py").status_code == 404


# --- in the browser -------------------------------------------------------------------------------


class _Attacker(BaseHTTPRequestHandler):
    """A page of another origin on the same site (another port of 127.0.0.1, as a sibling
    subdomain would be): it posts a one-time order to the dairy as soon as it opens."""

    target = ""
    fields: dict[str, str] = {}  # noqa: RUF012

    def do_GET(self) -> None:
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{value}">'
            for name, value in self.fields.items()
        )
        body = (
            f'<html><body><form id="f" method="post" action="{self.target}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[tuple[ThreadingHTTPServer, type[_Attacker]]]:
    handler = type("Attacker", (_Attacker,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_in_the_browser_a_sibling_origins_form_is_refused_and_ours_work(
    page: Page,
    live_server: LiveServer,
    attacker: tuple[ThreadingHTTPServer, type[_Attacker]],
) -> None:
    clock.freeze(MORNING)
    with live_server.database.session_scope() as session:
        route = factories.route(session, name="Indiranagar North")
        user = factories.customer_user(session, route=route, name="Asha Iyer")
        curd = factories.product(session, price="35.00")
        assert user.phone is not None
        phone, curd_id = user.phone, curd.id
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, live_server.url, phone)
    expect(page).to_have_url(f"{live_server.url}/me")

    server, handler = attacker
    handler.target = f"{live_server.url}/me/orders"
    handler.fields = {
        "delivery_date": day(2).isoformat(),
        "product_id": str(curd_id),
        "quantity": "5",
    }
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    expect(page.locator("h1")).to_have_text("Not allowed")
    with live_server.database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0

    # The dairy's own form still works, with no CSP violation on the way.
    page.goto(f"{live_server.url}/me")
    card = page.locator(f"#day-{day(2).isoformat()}")
    card.locator("summary").click()
    form = card.locator("form[action='/me/orders']")
    form.get_by_label("Product").select_option(str(curd_id))
    form.get_by_label("Quantity").fill("1")
    form.get_by_role("button", name="Add").click()
    expect(page.locator("[role=status]").first).to_contain_text("one-time order added")
    with live_server.database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
    assert violations == []


def test_a_pages_refusal_is_an_error_page_with_the_header(client: TestClient, shop: Shop) -> None:
    """A NotFound raised by a page after its unit of work ended still draws the page's header
    (the logged-in person), not a 500."""
    _as(client, shop.admin.token)
    answer = client.get("/admin/routes/999999/day", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert "Log out" in answer.text
