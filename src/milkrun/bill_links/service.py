"""Creating, listing, revoking and opening public bill links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.bill_links.errors import (
    BillCancelled,
    BillLinkExpired,
    BillLinkNotFound,
    BillLinkRevoked,
    BillNotIssued,
)
from milkrun.bill_links.models import BillLink
from milkrun.billing import queries as billing_queries
from milkrun.billing.models import ISSUED_STATUSES, Invoice, InvoiceStatus
from milkrun.links import throttle, tokens
from milkrun.links.errors import AdminRequired
from milkrun.links.service import when


def url_of(token: str, base_url: str) -> str:
    """Where the customer opens the bill: its page on the dairy's public address."""
    return f"{base_url.rstrip('/')}/b/{token}"


def create_link(
    session: Session, invoice_id: int, actor: audit.Actor, *, days: int
) -> tuple[BillLink, str]:
    """A link to an issued bill, working ``days`` days from now. Returns the link and its token,
    which is stored nowhere (only its SHA-256)."""
    if actor.user_id is None:
        raise AdminRequired("Only an admin login can create a bill link")
    invoice = billing_queries.get_invoice(session, invoice_id)
    if invoice.status not in ISSUED_STATUSES:
        raise BillNotIssued(
            f"Invoice {invoice_id} is {invoice.status}: only an issued bill can be shared"
        )
    token = tokens.new_token()
    now = clock.now()
    link = BillLink(
        invoice_id=invoice.id,
        token_hash=tokens.token_hash(token),
        expires_at=now + dt.timedelta(days=days),
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(link)
    session.flush()
    audit.record(
        session, actor, "bill_link.create", "bill_link", link.id, after=audit.snapshot(link)
    )
    return link, token


def links_of(session: Session, invoice_id: int) -> Sequence[BillLink]:
    """A bill's links, newest first."""
    return session.scalars(
        select(BillLink).where(BillLink.invoice_id == invoice_id).order_by(BillLink.id.desc())
    ).all()


def revoke_link(session: Session, invoice_id: int, link_id: int, actor: audit.Actor) -> BillLink:
    """Switch a bill's link off for good. Revoking a revoked link changes nothing."""
    link = session.get(BillLink, link_id)
    if link is None or link.invoice_id != invoice_id:
        raise BillLinkNotFound(f"Invoice {invoice_id} has no bill link {link_id}")
    if link.revoked_at is not None:
        return link
    before = audit.snapshot(link)
    link.revoked_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "bill_link.revoke",
        "bill_link",
        link.id,
        before=before,
        after=audit.snapshot(link),
    )
    return link


def open_link(
    session: Session, token: str, client_address: str, *, zone: ZoneInfo
) -> tuple[BillLink, Invoice]:
    """The link a token belongs to and its bill, if it still works.

    An unknown token counts as a guess (committed even though the request fails) and gets 404,
    or 429 once its address guessed too often (delivery and bill links alike); a token that
    works is never throttled. A revoked or expired link, or a cancelled bill, gets 410, in words.
    """
    link = (
        session.scalar(select(BillLink).where(BillLink.token_hash == tokens.token_hash(token)))
        if tokens.looks_like_token(token)
        else None
    )
    if link is None:
        throttled = throttle.count_guess(session, client_address)
        if throttled is not None:
            raise throttled
        raise BillLinkNotFound(
            "There is no such bill link. Check that the whole link was copied, or ask the "
            "dairy for a new one.",
            keeps_changes=True,
        )
    if link.revoked_at is not None:
        raise BillLinkRevoked(
            f"This bill link was switched off by the dairy at {when(link.revoked_at, zone)}. "
            "Ask the dairy for a new link.",
        )
    if link.expires_at <= clock.now():
        raise BillLinkExpired(
            f"This bill link stopped working at {when(link.expires_at, zone)}. "
            "Ask the dairy for a new link.",
        )
    invoice = billing_queries.get_invoice(session, link.invoice_id)
    if invoice.status == InvoiceStatus.void:
        raise BillCancelled(
            f"Bill {invoice.number} was cancelled by the dairy. Ask the dairy for the bill "
            "that replaces it."
        )
    return link, invoice
