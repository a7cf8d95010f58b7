"""Making a bill's payment link at the gateway, and recording what the gateway's webhook says
was paid with one. The gateway is called outside any rule of billing: finalizing never waits
for it (see the package's docstring for when links are made)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.billing import queries as billing_queries
from milkrun.billing import service as billing_service
from milkrun.billing import settlement, statement, upi
from milkrun.billing.models import ISSUED_STATUSES, Invoice
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.db.session import Database
from milkrun.errors import MilkrunError
from milkrun.payment_links.errors import BillNotPayable
from milkrun.payment_links.models import LinkStatus, PaymentLink
from milkrun.payments import gateways
from milkrun.payments.errors import DuplicateReference, GatewayUnavailable
from milkrun.payments.gateways.base import LinkRequest, PaymentGateway
from milkrun.payments.models import Payment
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import topups

log = logging.getLogger(__name__)

# A live link this close to its expiry is replaced rather than shown.
EXPIRY_MARGIN = dt.timedelta(hours=1)
WEBHOOK_ACTOR = audit.Actor.system("payment gateway", channel="webhook")


def live_link(session: Session, invoice_id: int) -> PaymentLink | None:
    """The bill's live link (at most one), whatever amount it asks for."""
    return session.scalar(
        select(PaymentLink).where(
            PaymentLink.invoice_id == invoice_id, PaymentLink.status == LinkStatus.created.value
        )
    )


def links_of(session: Session, invoice_id: int) -> list[PaymentLink]:
    """Every link the bill had, newest first."""
    return list(
        session.scalars(
            select(PaymentLink)
            .where(PaymentLink.invoice_id == invoice_id)
            .order_by(PaymentLink.id.desc())
        )
    )


def amount_owed(session: Session, invoice: Invoice, settings: Settings) -> int:
    """What a link for this bill asks for: the total due the bill states (its balance and the
    earlier ones), less what the customer paid since — never more than the customer owes now."""
    stated = statement.statement_of(session, invoice, settings.zone)
    return stated.still_due_paise if stated is not None else 0


def shown_link(
    session: Session, invoice: Invoice, settings: Settings, now: dt.datetime | None = None
) -> PaymentLink | None:
    """The live link to show with the bill, if it still asks for what is owed (a read: no
    gateway call, no write)."""
    link = live_link(session, invoice.id)
    now = now or clock.now()
    if link is None or link.expires_at <= now + EXPIRY_MARGIN:
        return None
    return link if link.amount_paise == amount_owed(session, invoice, settings) else None


def ensure_link(
    session: Session,
    invoice_id: int,
    gateway: PaymentGateway,
    settings: Settings,
    actor: audit.Actor,
) -> PaymentLink:
    """The bill's live payment link for what is owed on it now, made at the gateway if needed.

    Rules: only an issued bill with something owed gets a link (409 ``bill_not_payable``); one
    live link per bill, for the amount owed — an existing one for that amount is returned as it
    is (calling again makes nothing new); one for another amount, or about to expire, is
    cancelled at the gateway and replaced. A gateway that fails answers 502
    ``gateway_unavailable`` and keeps what was already done (an old link cancelled)."""
    invoice = billing_queries.get_invoice(session, invoice_id)
    now = clock.now()
    owed = amount_owed(session, invoice, settings) if invoice.status in ISSUED_STATUSES else 0
    link = live_link(session, invoice.id)
    if link is not None:
        if link.amount_paise == owed and link.expires_at > now + EXPIRY_MARGIN:
            return link
        _retire(session, gateway, link, actor, now)
    if owed <= 0 or not invoice.number:
        raise BillNotPayable(
            f"Bill {invoice.number or invoice.id} is {invoice.status} with nothing to pay online",
            keeps_changes=True,
        )
    return _create(session, gateway, settings, invoice, owed, actor, now)


def offer_link(
    session: Session, invoice: Invoice, gateway: PaymentGateway | None, settings: Settings
) -> PaymentLink | None:
    """The link to offer on a page that shows the bill, made lazily when the gateway is
    configured; a gateway that fails is logged and the page goes on without a link."""
    if gateway is None or invoice.status not in ISSUED_STATUSES:
        return None
    found = shown_link(session, invoice, settings)
    if found is not None:
        return found
    if amount_owed(session, invoice, settings) <= 0:
        return None
    actor = audit.Actor.system("bill page", channel="web")
    try:
        with session.begin_nested():
            return ensure_link(session, invoice.id, gateway, settings, actor)
    except MilkrunError as exc:
        log.warning("No payment link for invoice %s: %s", invoice.id, exc.detail)
        return None


def _retire(
    session: Session,
    gateway: PaymentGateway,
    link: PaymentLink,
    actor: audit.Actor,
    now: dt.datetime,
) -> None:
    """Cancel a live link at the gateway (an expired one only here). A link the gateway says is
    paid stays live: its webhook is on its way, and a second link could be paid twice."""
    before = audit.snapshot(link)
    if link.expires_at <= now:
        link.status = LinkStatus.expired.value
    else:
        try:
            gateway.cancel_link(link.provider_link_id)
        except GatewayUnavailable:
            if gateway.fetch_link(link.provider_link_id).status not in ("cancelled", "expired"):
                raise
        link.status = LinkStatus.cancelled.value
    link.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        f"payment_link.{link.status}",
        "payment_link",
        link.id,
        before=before,
        after=audit.snapshot(link),
    )


def void_bill(
    session: Session,
    invoice_id: int,
    actor: audit.Actor,
    gateway: PaymentGateway | None,
    *,
    reason: str | None,
) -> Invoice:
    """Void an issued bill (``billing.service.void_invoice``) and cancel its live payment link
    at the gateway, so that a void bill cannot be paid online.

    A gateway that is down (or no longer configured) does not stop the void: the link is marked
    ``cancel_due_at`` and ``cancel_due_links`` (the scheduler's job, on every wake-up) cancels
    it when the gateway answers. A payment made on it meanwhile is recorded by the webhook as
    any other (``record_webhook``): a payment of the customer, kept as credit (or paying the
    customer's other open bills), never lost."""
    invoice = billing_service.void_invoice(session, invoice_id, actor, reason=reason)
    link = live_link(session, invoice.id)
    if link is not None:
        _cancel_for_void(session, gateway, link, actor)
    return invoice


def _cancel_for_void(
    session: Session, gateway: PaymentGateway | None, link: PaymentLink, actor: audit.Actor
) -> None:
    now = clock.now()
    if gateway is not None:
        try:
            with session.begin_nested():
                _retire(session, gateway, link, actor, now)
            return
        except GatewayUnavailable as exc:
            log.warning("Payment link %s left to cancel later: %s", link.provider_link_id, exc)
    before = audit.snapshot(link)
    link.cancel_due_at = now
    link.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "payment_link.cancel_due",
        "payment_link",
        link.id,
        before=before,
        after=audit.snapshot(link),
    )


def cancel_due_links(session: Session, gateway: PaymentGateway) -> int:
    """Cancel at the gateway the links of void bills that it could not cancel at the void
    (``cancel_due_at``); how many were settled. A link the gateway still cannot cancel keeps
    its mark for the next try; one it reports paid is left to its webhook (recorded as a
    payment of the customer)."""
    actor = audit.Actor.system("scheduler", channel="scheduler")
    due = session.scalars(
        select(PaymentLink)
        .where(
            PaymentLink.cancel_due_at.is_not(None),
            PaymentLink.status == LinkStatus.created.value,
        )
        .order_by(PaymentLink.id)
    ).all()
    done = 0
    for link in due:
        try:
            with session.begin_nested():
                link.cancel_due_at = None  # kept when the gateway still fails (rolled back)
                _retire(session, gateway, link, actor, clock.now())
            done += 1
        except GatewayUnavailable as exc:
            log.warning("Payment link %s still to cancel: %s", link.provider_link_id, exc)
    return done


def cancel_due_job(database: Database, settings: Settings, trigger: str = "scheduler") -> int:
    """The scheduler's job: ``cancel_due_links`` in one transaction, when a gateway is
    configured (a link of a void bill is never made without one)."""
    gateway = gateways.configured(settings)
    if gateway is None:
        return 0
    with database.session_scope() as session:
        return cancel_due_links(session, gateway)


def _create(
    session: Session,
    gateway: PaymentGateway,
    settings: Settings,
    invoice: Invoice,
    owed: int,
    actor: audit.Actor,
    now: dt.datetime,
) -> PaymentLink:
    customer = session.get_one(Customer, invoice.customer_id)
    number = invoice.number or str(invoice.id)
    # Unique per link: a rolled-back attempt never blocks the next with a reused reference.
    reference = f"{upi.reference_of(number)[:30]}-{secrets.token_hex(4)}"
    made = gateway.create_link(
        LinkRequest(
            amount_paise=owed,
            reference=reference,
            description=f"{settings.business_name}: bill {number}",
            customer_name=customer.name,
            customer_phone=customer.phone,
            customer_email=customer.email,
            expires_at=now + dt.timedelta(days=settings.payment_link_days),
            callback_url=f"{settings.base_url.rstrip('/')}/b/paid",
        )
    )
    link = PaymentLink(
        invoice_id=invoice.id,
        gateway=gateway.name,
        reference=reference,
        provider_link_id=made.id,
        url=made.url,
        amount_paise=owed,
        status=LinkStatus.created.value,
        expires_at=made.expires_at or now + dt.timedelta(days=settings.payment_link_days),
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(link)
            session.flush()
    except IntegrityError:  # another request made the bill's live link meanwhile: keep theirs
        try:
            gateway.cancel_link(made.id)
        except GatewayUnavailable:
            log.warning("Could not cancel the surplus payment link %s", made.id)
        winner = live_link(session, invoice.id)
        if winner is None:  # pragma: no cover - the index refused us for that very row
            raise
        return winner
    audit.record(
        session,
        actor,
        "payment_link.create",
        "payment_link",
        link.id,
        after=audit.snapshot(link),
        customer_id=invoice.customer_id,
    )
    return link


def record_webhook(
    session: Session,
    gateway: PaymentGateway,
    body: bytes,
    signature: str | None,
    *,
    threshold_paise: int,
    zone: ZoneInfo,
) -> str:
    """Apply a gateway webhook: ``recorded`` (a new payment), ``replayed`` (this payment is
    already recorded: a retry) or ``ignored`` (another event, or a link that is not ours).

    Rules: a body not signed with the webhook secret is refused (400) and records nothing; a
    paid link becomes a payment of the bill's customer, by the method the gateway names, with
    the gateway's payment id as its reference (unique: a retry records nothing twice), settled
    oldest bill first and audited, a top-up for a prepaid customer
    (``wallets.topups.money_received`` against ``threshold_paise``); the link is then ``paid``."""
    gateway.verify_webhook(body, signature)
    paid = gateway.link_paid(body)
    if paid is None:
        return "ignored"
    link = session.scalar(select(PaymentLink).where(PaymentLink.provider_link_id == paid.link_id))
    if link is None or paid.amount_paise <= 0:
        log.warning("A paid-link webhook for %s, which is not one of ours", paid.link_id)
        return "ignored"
    invoice = billing_queries.get_invoice(session, link.invoice_id)
    payment = session.scalar(select(Payment).where(Payment.reference == paid.payment_id))
    outcome = "replayed"
    if payment is None:
        now = clock.now()
        data = PaymentCreate(
            customer_id=invoice.customer_id,
            amount=Decimal(paid.amount_paise) / 100,
            method=paid.method,
            reference=paid.payment_id,
            received_at=min(paid.paid_at, now),
        )
        try:
            with session.begin_nested():
                payment = settlement.receive_payment(session, data, WEBHOOK_ACTOR, now=now)
            outcome = "recorded"
            topups.money_received(
                session,
                [invoice.customer_id],
                WEBHOOK_ACTOR,
                threshold_paise=threshold_paise,
                today=now.astimezone(zone).date(),
            )
        except DuplicateReference:  # the same webhook, delivered twice at once
            payment = session.scalar(select(Payment).where(Payment.reference == paid.payment_id))
    before = audit.snapshot(link)
    # Conditional (SQLite ignores FOR UPDATE): of two deliveries at once, one marks it paid.
    marked = session.execute(
        update(PaymentLink)
        .where(PaymentLink.id == link.id, PaymentLink.status != LinkStatus.paid.value)
        .values(
            status=LinkStatus.paid.value,
            payment_id=payment.id if payment is not None else None,
            updated_at=clock.now(),
        ),
        execution_options={"synchronize_session": False},
    )
    if int(getattr(marked, "rowcount", 0)) == 1:
        session.refresh(link)
        audit.record(
            session,
            WEBHOOK_ACTOR,
            "payment_link.paid",
            "payment_link",
            link.id,
            before=before,
            after=audit.snapshot(link),
            customer_id=invoice.customer_id,
        )
    return outcome
