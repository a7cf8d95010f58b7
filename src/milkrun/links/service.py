"""Creating, revoking and opening shared delivery links."""

from __future__ import annotations

import datetime as dt
import enum
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from milkrun import clock, date_window
from milkrun.audit import service as audit
from milkrun.links import queries, throttle, tokens
from milkrun.links.errors import (
    AdminRequired,
    LinkExpired,
    LinkExpiryTooLate,
    LinkNotFound,
    LinkRevoked,
    LinkWouldBeExpired,
)
from milkrun.links.models import SharedDeliveryLink
from milkrun.links.schemas import LinkCreate
from milkrun.notify import outbox
from milkrun.phones import normalize_phone
from milkrun.routing import queries as routing_queries

# After the delivery date ends, a link keeps working this long (a late round, a correction).
GRACE_AFTER_DAY = dt.timedelta(hours=6)
# A link never outlives its delivery date by more than this, whatever the admin asks.
LONGEST_AFTER_DAY = dt.timedelta(days=7)


def end_of_day(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Midnight after ``day`` in the dairy's zone, in UTC."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return midnight.astimezone(dt.UTC)


def default_expiry(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """A link expires six hours after its delivery date ends, in the dairy's zone."""
    return end_of_day(day, zone) + GRACE_AFTER_DAY


def when(moment: dt.datetime, zone: ZoneInfo) -> str:
    """A moment as a person in the dairy reads it: "06:00 on Tue 08 Dec 2026"."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local:%a %d %b %Y}"


def url_of(token: str, base_url: str) -> str:
    """Where a link's holder opens it: its page on the dairy's public address."""
    return f"{base_url.rstrip('/')}/l/{token}"


def create_link(
    session: Session,
    data: LinkCreate,
    actor: audit.Actor,
    *,
    zone: ZoneInfo,
    token: str | None = None,
    base_url: str = "",
) -> tuple[SharedDeliveryLink, str]:
    """A link for one active route and one date, expiring in the future and at most a week after
    the date. Returns the link and its token, which is stored nowhere (only its SHA-256).

    ``token`` is for the demo seed only, which derives it from the secret key so that seeding
    again finds the same link; everyone else gets a fresh random one."""
    if actor.user_id is None:
        raise AdminRequired("Only an admin login can create a delivery link")
    date_window.check(data.delivery_date, "delivery_date")
    routing_queries.get_active_route(session, data.route_id)
    now = clock.now()
    expires_at = data.expires_at or default_expiry(data.delivery_date, zone)
    expires_at = expires_at.astimezone(dt.UTC)
    if expires_at <= now:
        raise LinkWouldBeExpired(
            f"The link would already have expired ({when(expires_at, zone)}); "
            "choose a later expiry or a later delivery date",
        )
    latest = end_of_day(data.delivery_date, zone) + LONGEST_AFTER_DAY
    if expires_at > latest:
        raise LinkExpiryTooLate(
            f"A link for {data.delivery_date.isoformat()} may work until {when(latest, zone)} "
            "at the latest",
        )
    send_to = normalize_phone(data.send_to) if data.send_to else None
    if token is None:
        token = tokens.new_token()
    elif not tokens.looks_like_token(token):
        raise ValueError("a link token has the shape of tokens.new_token()")
    link = SharedDeliveryLink(
        route_id=data.route_id,
        delivery_date=data.delivery_date,
        label=data.label.strip(),
        token_hash=tokens.token_hash(token),
        expires_at=expires_at,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "shared_delivery_link.create",
        "shared_delivery_link",
        link.id,
        after=audit.snapshot(link),
    )
    outbox.delivery_link_shared(session, link, send_to, url_of(token, base_url))
    return link, token


def revoke_link(session: Session, link_id: int, actor: audit.Actor) -> SharedDeliveryLink:
    """Switch a link off for good. Revoking a revoked link changes nothing."""
    link = queries.get_link(session, link_id)
    if link.revoked_at is not None:
        return link
    before = audit.snapshot(link)
    link.revoked_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "shared_delivery_link.revoke",
        "shared_delivery_link",
        link.id,
        before=before,
        after=audit.snapshot(link),
    )
    return link


class LinkState(enum.StrEnum):
    active = "active"
    expired = "expired"
    revoked = "revoked"


def state_of(link: SharedDeliveryLink, now: dt.datetime) -> LinkState:
    """A link works until its expiry (exclusive) unless the dairy revoked it; a revoked link
    stays revoked whatever its expiry."""
    if link.revoked_at is not None:
        return LinkState.revoked
    if link.expires_at <= now:
        return LinkState.expired
    return LinkState.active


def open_link(
    session: Session, token: str, client_address: str, *, zone: ZoneInfo
) -> SharedDeliveryLink:
    """The link a token belongs to, if it still works.

    An unknown token counts as a guess (committed even though the request fails) and gets 404,
    or 429 once its address guessed too often; a token that works is never throttled. A revoked
    or expired link gets 410, in words.
    """
    link = queries.link_by_token(session, token)
    if link is None:
        throttled = throttle.count_guess(session, client_address)
        if throttled is not None:
            raise throttled
        raise LinkNotFound(
            "There is no such delivery link. Check that the whole link was copied, or ask the "
            "dairy for a new one.",
            keeps_changes=True,
        )
    state = state_of(link, clock.now())
    if state == LinkState.revoked:
        assert link.revoked_at is not None  # what revoked means
        raise LinkRevoked(
            f"This delivery link was switched off by the dairy at {when(link.revoked_at, zone)}. "
            "Ask the dairy for a new link.",
        )
    if state == LinkState.expired:
        raise LinkExpired(
            f"This delivery link stopped working at {when(link.expires_at, zone)}. "
            "Ask the dairy for a new link.",
        )
    return link


def actor_of(link: SharedDeliveryLink, *, request_id: str | None, channel: str) -> audit.Actor:
    """A link acts as itself: the trail shows its id and the label of the person it is for."""
    return audit.Actor(
        user_id=None,
        label=f"link: {link.label}",
        channel=channel,
        request_id=request_id,
        link_id=link.id,
    )


def record_open(session: Session, link: SharedDeliveryLink, actor: audit.Actor) -> None:
    """Opening a link's manifest is a use of the link, and every use is on the trail."""
    audit.record(
        session,
        actor,
        "shared_delivery_link.open",
        "shared_delivery_link",
        link.id,
        after={"route_id": link.route_id, "delivery_date": link.delivery_date},
    )
