"""Paying bills online: a bill's payment link at the gateway (made on demand, listed), and the
gateway's webhook that reports a link paid (``milkrun.payment_links``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from milkrun.api.deps import ActorDep, AdminUser, PathId, SessionDep, SettingsDep
from milkrun.billing import queries as billing_queries
from milkrun.config import Settings
from milkrun.payment_links import service
from milkrun.payment_links.errors import GatewayNotConfigured
from milkrun.payment_links.schemas import PaymentLinkRead, WebhookResult
from milkrun.payments import gateways
from milkrun.payments.gateways.base import PaymentGateway
from milkrun.wallets.generation import threshold_of

router = APIRouter(prefix="/invoices/{invoice_id}", tags=["invoices"])
webhook = APIRouter(prefix="/webhooks/razorpay", tags=["payments"])


def _gateway(settings: Settings) -> PaymentGateway:
    gateway = gateways.configured(settings)
    if gateway is None:
        raise GatewayNotConfigured(
            "No payment gateway is configured (MILKRUN_RAZORPAY_KEY_ID): bills are paid by UPI"
        )
    return gateway


@router.post("/payment-link", response_model=PaymentLinkRead)
def create_payment_link(
    invoice_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> PaymentLinkRead:
    """The bill's live payment link for what is owed on it now, made at the gateway when there
    is none for that amount (an older one is cancelled); calling again returns the same link.
    409 ``bill_not_payable`` for a draft, a void bill or nothing owed; 502
    ``gateway_unavailable`` when the gateway fails."""
    link = service.ensure_link(session, invoice_id, _gateway(settings), settings, actor)
    return PaymentLinkRead.of(link)


@router.get("/payment-links", response_model=list[PaymentLinkRead])
def list_payment_links(
    invoice_id: PathId, _: AdminUser, session: SessionDep
) -> list[PaymentLinkRead]:
    """Every payment link the bill had, newest first."""
    billing_queries.get_invoice(session, invoice_id)
    return [PaymentLinkRead.of(link) for link in service.links_of(session, invoice_id)]


@webhook.post("", response_model=WebhookResult)
async def razorpay_webhook(request: Request) -> WebhookResult:
    """Razorpay's ``payment_link.paid``: signed with ``X-Razorpay-Signature`` (HMAC-SHA256 of the
    raw body under the webhook secret), else 400 and nothing recorded. The payment is recorded
    once (its Razorpay payment id is its reference): a retry answers 200 ``replayed``; other
    events 200 ``ignored``."""
    settings: Settings = request.app.state.settings
    body = await request.body()
    gateway = _gateway(settings)
    signature = request.headers.get("x-razorpay-signature")
    gateway.verify_webhook(body, signature)
    database = request.app.state.database

    def apply() -> str:
        with database.session_scope(write=True) as session:
            return service.record_webhook(
                session,
                gateway,
                body,
                signature,
                threshold_paise=threshold_of(settings),
                zone=settings.zone,
            )

    return WebhookResult(result=await run_in_threadpool(apply))
