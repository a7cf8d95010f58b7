"""The hubs, holidays and offers pages: what they show, forms that refuse with the typed values
and change nothing, and an admin limited to one hub who sees its hub only (another hub's
customer page is the not-found page)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.config import Settings
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.hubs.models import Holiday
from milkrun.notify.models import OutboxMessage
from milkrun.offers.models import Offer
from tests import factories
from tests.hubs.two_hubs import TwoHubs, make_two_hubs
from tests.order_book import MORNING, day


def _as(client: TestClient, session: Session, user: object) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, factories.login(session, user).token)  # type: ignore[arg-type]
    return client


def _two_hubs(session: Session, client: TestClient) -> TwoHubs:
    hubs = make_two_hubs(session, Settings(env="test", secret_key=factories.SECRET))
    session.commit()
    clock.freeze(MORNING)
    return hubs


def test_the_hubs_page_lists_hubs_routes_and_admins(client: TestClient, session: Session) -> None:
    hubs = _two_hubs(session, client)
    page = _as(client, session, hubs.owner).get("/admin/hubs")
    assert page.status_code == 200
    assert 'href="/admin/hubs"' in page.text  # in the console's nav
    for words in ("Indiranagar", "Jayanagar", "Jayanagar 4th Block", "Jayanagar manager"):
        assert words in page.text
    taken = client.post("/admin/hubs", data={"name": " jayanagar "})
    assert taken.status_code == 409
    assert "already a hub called" in taken.text
    assert 'value=" jayanagar "' in taken.text
    made = client.post("/admin/hubs", data={"name": "Whitefield"}, follow_redirects=False)
    assert made.status_code == 303


def test_declaring_a_holiday_from_the_page(client: TestClient, session: Session) -> None:
    hubs = _two_hubs(session, client)
    _as(client, session, hubs.owner)
    refused = client.post(
        "/admin/holidays",
        data={"holiday_date": day(2).isoformat(), "hub_id": str(hubs.jayanagar.id), "reason": " "},
    )
    assert refused.status_code == 400
    assert "Say why" in refused.text
    assert f'value="{day(2).isoformat()}"' in refused.text
    assert session.scalar(select(func.count()).select_from(Holiday)) == 0
    done = client.post(
        "/admin/holidays",
        data={
            "holiday_date": day(2).isoformat(),
            "hub_id": str(hubs.jayanagar.id),
            "reason": "Cold room repair",
        },
    )
    assert done.status_code == 200
    assert "Holiday declared" in done.text
    assert "Cold room repair" in done.text
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    dry = client.get("/admin/orders/generate", params={"date": day(2).isoformat()})
    assert "Holiday · Jayanagar: Cold room repair" in dry.text


def test_an_admin_of_one_hub_sees_its_hub_only(client: TestClient, session: Session) -> None:
    hubs = _two_hubs(session, client)
    _as(client, session, hubs.south_admin)
    listed = client.get("/admin/customers")
    assert "Lakshmi Rao" in listed.text
    assert "Asha Iyer" not in listed.text
    assert "New Signup" not in listed.text
    assert client.get(f"/admin/customers/{hubs.dairy.customer.id}").status_code == 404
    assert client.get(f"/admin/customers/{hubs.south_customer.id}").status_code == 200
    assert client.get(f"/admin/routes/{hubs.east.id}").status_code == 404
    assert client.get("/admin/dues").status_code == 200
    board = client.get("/admin")
    assert "Jayanagar 4th Block" in board.text
    assert hubs.east.name not in board.text
    routes = client.get("/admin/routes")
    assert "Jayanagar 4th Block" in routes.text
    assert hubs.east.name not in routes.text
    # Nothing that spans the hubs: no dairy-wide holiday.
    refused = client.post(
        "/admin/holidays", data={"holiday_date": day(2).isoformat(), "hub_id": "", "reason": "x"}
    )
    assert refused.status_code == 403
    assert "An admin of one hub may not declare a holiday for the whole dairy" in refused.text
    assert session.scalar(select(func.count()).select_from(Holiday)) == 0


def test_the_owner_makes_an_offer_and_a_customer_takes_it(
    client: TestClient, session: Session
) -> None:
    hubs = _two_hubs(session, client)
    _as(client, session, hubs.owner)
    refused = client.post(
        "/admin/offers",
        data={"offer_date": day(3).isoformat(), "product_id": "", "title": "Diwali curd"},
    )
    assert refused.status_code == 400
    assert 'value="Diwali curd"' in refused.text
    assert session.scalar(select(func.count()).select_from(Offer)) == 0
    made = client.post(
        "/admin/offers",
        data={
            "offer_date": day(3).isoformat(),
            "product_id": str(hubs.dairy.curd.id),
            "title": "Diwali curd",
            "description": "Thick curd for the festival",
        },
    )
    assert made.status_code == 200
    assert "Diwali curd" in made.text
    offer_id = session.scalar(select(Offer.id))
    me = factories.customer_user(session, route=hubs.south, name="Geetha Bhat")
    session.commit()
    client.cookies.set(TOKEN_COOKIE, factories.login(session, me).token)
    home = client.get("/me")
    assert "Diwali curd" in home.text
    bad = client.post(f"/me/offers/{offer_id}/accept", data={"quantity": "0"})
    assert bad.status_code == 400
    taken = client.post(f"/me/offers/{offer_id}/accept", data={"quantity": "2"})
    assert taken.status_code == 200
    assert "You ordered 2" in taken.text
    again = client.post(f"/me/offers/{offer_id}/accept", data={"quantity": "1"})
    assert again.status_code == 409
    _as(client, session, hubs.owner)
    who = client.get(f"/admin/offers/{offer_id}")
    assert "Geetha Bhat" in who.text
