"""The pages customers and delivery boys see, in English, Hindi or Kannada: chosen with the
switch (saved on the account, kept on the browser), else the browser's Accept-Language; amounts
and dates in the language; the owner's console stays English."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.models import AuditEvent
from milkrun.auth.models import User
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.hubs.scope import EVERY_HUB
from milkrun.offers import service as offer_service
from milkrun.web import delivery_words
from milkrun.web.pages import LANGUAGE_COOKIE
from tests import factories
from tests.factories import PASSWORD, Login
from tests.order_book import MORNING, TODAY, make_shop

STATIC = Path(delivery_words.__file__).parent / "static"


def _log_in(client: TestClient, login: Login) -> None:
    response = client.post(
        "/login",
        data={"username": login.user.phone or "", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _customer_of(session: Session, login: Login) -> Customer:
    customer = session.get(Customer, login.user.customer_id)
    assert customer is not None
    return customer


def test_the_login_page_speaks_the_browsers_language(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "kn-IN,kn;q=0.9,en;q=0.8"})
    assert page.status_code == 200
    assert '<html lang="kn">' in page.text
    assert "ಲಾಗಿನ್ ಮಾಡಿ" in page.text
    assert "Log in</h1>" not in page.text
    english = client.get("/login", headers={"Accept-Language": "ta-IN,fr;q=0.5"})
    assert "<h1>Log in</h1>" in english.text


def test_a_customer_reads_the_page_in_hindi(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    _customer_of(session, shop.me).language = "hi"
    session.flush()
    _log_in(client, shop.me)
    assert client.cookies.get(LANGUAGE_COOKIE) == "hi"
    page = client.get("/me")
    assert page.status_code == 200
    assert '<html lang="hi">' in page.text
    for words in ("नमस्ते, Asha Iyer", "इस हफ़्ते", "मेरे बिल", "एक बार का ऑर्डर जोड़ें", "छुट्टी लें"):
        assert words in page.text
    assert "₹28.00" in page.text  # the milk's price on the one-time order form
    assert "This week" not in page.text
    assert "My bills" not in page.text


def test_a_customer_reads_the_page_in_kannada_with_kannada_dates(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    _customer_of(session, shop.me).language = "kn"
    session.flush()
    _log_in(client, shop.me)
    page = client.get("/me")
    for words in ("ನಮಸ್ಕಾರ, Asha Iyer", "ಈ ವಾರ", "ನನ್ನ ಬಿಲ್‌ಗಳು", "ಡಿಸೆಂ", "₹"):
        assert words in page.text


def test_switching_the_language_saves_it_on_the_customer_and_it_persists(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    client.cookies.set(TOKEN_COOKIE, shop.me.token)
    assert "This week" in client.get("/me").text
    switched = client.post(
        "/language", data={"language": "kn", "next": "/me"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/me"
    assert "ಈ ವಾರ" in client.get("/me").text
    session.expire_all()
    assert _customer_of(session, shop.me).language == "kn"  # the messages' language too
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "customer.language")
    ).one()
    assert event.before == {"language": "en"}
    assert event.after == {"language": "kn"}
    # Another phone: logging in brings the language saved on the account.
    client.cookies.clear()
    _log_in(client, shop.me)
    assert "ಈ ವಾರ" in client.get("/me").text


def test_an_unknown_language_is_refused_and_changes_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    client.cookies.set(TOKEN_COOKIE, shop.me.token)
    refused = client.post("/language", data={"language": "xx", "next": "/me"})
    assert refused.status_code == 400
    assert "Choose one of the languages offered." in refused.text
    session.expire_all()
    assert _customer_of(session, shop.me).language == "en"
    assert LANGUAGE_COOKIE not in client.cookies


def test_an_anonymous_visitor_switches_with_a_cookie(client: TestClient) -> None:
    switched = client.post(
        "/language", data={"language": "hi", "next": "//evil.example"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/"
    page = client.get("/login", headers={"Accept-Language": "kn"})
    assert "लॉग इन करें" in page.text  # the choice beats the browser's default


def test_a_customers_form_refusal_is_in_the_page_language(
    client: TestClient, session: Session, settings: Settings
) -> None:
    shop = make_shop(session, settings)
    client.cookies.set(TOKEN_COOKIE, shop.me.token)
    client.post("/language", data={"language": "hi", "next": "/me"})
    refused = client.post("/me/pauses", data={"start_date": "not a date"})
    assert refused.status_code == 400
    assert "बिना डिलीवरी का पहला दिन चुनें" in refused.text


def test_the_delivery_page_in_hindi(client: TestClient, session: Session) -> None:
    boy = factories.login(session, factories.delivery_boy_user(session))
    user = session.get(User, boy.user.id)
    assert user is not None
    user.language = "hi"
    session.flush()
    _log_in(client, boy)
    page = client.get("/delivery")
    assert page.status_code == 200
    assert "मेरी डिलीवरी" in page.text
    assert "सब सहेजा गया" in page.text
    assert "आज" in page.text  # "· today" after the date, in Hindi


@pytest.mark.parametrize("path", ["/admin", "/admin/customers"])
def test_the_console_stays_english(
    client: TestClient, session: Session, admin: Login, path: str
) -> None:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    client.cookies.set(LANGUAGE_COOKIE, "hi")
    page = client.get(path, headers={"Accept-Language": "hi"})
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "Log out" in page.text
    assert 'action="/language"' not in page.text  # no switch in the console


def test_an_error_page_speaks_the_language(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "kn")
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "ಪುಟ ಸಿಗಲಿಲ್ಲ" in page.text


def test_a_customer_who_signs_up_in_kannada_gets_kannada(
    client: TestClient, session: Session
) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "kn")
    form = client.get("/signup")
    assert "ವಿತರಣೆಗಾಗಿ ನೋಂದಾಯಿಸಿ" in form.text
    signed_up = client.post(
        "/signup",
        data={
            "name": "Lakshmi Rao",
            "phone": "98450 77777",
            "email": "",
            "address": "4 Temple Street",
            "area": "Jayanagar",
            "password": "a long password",
        },
        follow_redirects=False,
    )
    assert signed_up.status_code == 303
    customer = session.scalars(select(Customer).where(Customer.name == "Lakshmi Rao")).one()
    assert customer.language == "kn"  # the messages go in Kannada too
    assert "ಸ್ವಾಗತ!" in client.get(signed_up.headers["location"]).text


def _words_of(page: str) -> dict[str, str]:
    found = re.search(r'<script id="dday-words" type="application/json">(.*?)</script>', page)
    assert found is not None
    words: dict[str, str] = json.loads(found.group(1))
    return words


def test_every_text_the_delivery_scripts_draw_is_in_their_word_list() -> None:
    drawn = set()
    for script in ("delivery.js", "delivery-round.js", "delivery-proof.js"):
        source = (STATIC / script).read_text()
        texts = re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', source)
        drawn |= {json.loads(f'"{text}"') for text in texts}
    assert len(drawn) > 50
    assert drawn == set(delivery_words.WORDS)


@pytest.mark.parametrize(
    ("language", "here", "pending"),
    [
        ("hi", "यह स्टॉप यहाँ है", "%(n)s बाकी · ऑफ़लाइन"),
        ("kn", "ಈ ಸ್ಟಾಪ್ ಇಲ್ಲಿದೆ", "%(n)s ಬಾಕಿ · ಆಫ್‌ಲೈನ್"),
        ("en", "This stop is here", "Pending %(n)s · offline"),
    ],
)
def test_the_delivery_page_carries_its_scripts_words_in_the_boys_language(
    client: TestClient, session: Session, language: str, here: str, pending: str
) -> None:
    boy = factories.login(session, factories.delivery_boy_user(session))
    user = session.get(User, boy.user.id)
    assert user is not None
    user.language = language
    session.flush()
    _log_in(client, boy)
    page = client.get("/delivery")
    assert page.status_code == 200
    words = _words_of(page.text)
    assert set(words) == set(delivery_words.WORDS)
    assert words["This stop is here"] == here
    assert words["Pending %(n)s · offline"] == pending
    assert "<script>" not in page.text  # data only: the CSP allows no inline script


def test_the_thank_you_page_after_paying_online_speaks_the_language(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "kn")
    page = client.get("/b/paid")
    assert page.status_code == 200
    assert "<h1>ಧನ್ಯವಾದಗಳು</h1>" in page.text
    assert "Thank you" not in page.text


def test_a_festival_offer_and_its_refusal_in_hindi(
    client: TestClient, session: Session, settings: Settings
) -> None:
    clock.freeze(MORNING)
    shop = make_shop(session, settings)
    _customer_of(session, shop.me).language = "hi"
    offer = offer_service.create_offer(
        session,
        TODAY + dt.timedelta(days=3),
        shop.dairy.curd.id,
        "Festival special: thick curd",
        "",
        factories.ACTOR,
        EVERY_HUB,
        today=TODAY,
    )
    session.flush()
    _log_in(client, shop.me)
    page = client.get("/me")
    assert "त्योहार ऑफ़र" in page.text
    assert "₹35.00 प्रति नग" in page.text
    assert "Festival offers" not in page.text
    accepted = client.post(f"/me/offers/{offer.id}/accept", data={"quantity": "2"})
    assert accepted.status_code == 200
    assert "त्योहार ऑफ़र ले लिया" in accepted.text
    assert "आपने 2 मँगाए" in accepted.text
    again = client.post(f"/me/offers/{offer.id}/accept", data={"quantity": "1"})
    assert again.status_code == 409
    assert "आप यह ऑफ़र पहले ही ले चुके हैं।" in again.text
    gone = client.post("/me/offers/999999/accept", data={"quantity": "1"})
    assert gone.status_code == 404
    assert "यह ऑफ़र अब खुला नहीं है।" in gone.text


def test_a_refusal_of_the_domain_is_in_the_page_language(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """The domain's own sentence names dates in English; a Hindi page says it in Hindi."""
    shop = make_shop(session, settings)
    client.cookies.set(TOKEN_COOKIE, shop.me.token)
    client.post("/language", data={"language": "hi", "next": "/me"})
    past = (TODAY - dt.timedelta(days=2)).isoformat()
    refused = client.post("/me/pauses", data={"start_date": past, "end_date": past})
    assert refused.status_code in (400, 409)
    assert "वह दिन बीत चुका है।" in refused.text or "देर हो गई" in refused.text
