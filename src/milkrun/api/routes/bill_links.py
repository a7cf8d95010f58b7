"""Public bill links: an admin creates one for an issued bill (its URL is shown once), lists and
revokes them. The customer opens the URL, /b/{token}, without a login (``web/routes/bills``)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from milkrun.api.deps import ActorDep, AdminUser, PathId, SessionDep, SettingsDep
from milkrun.bill_links import service
from milkrun.bill_links.schemas import BillLinkCreate, BillLinkCreated, BillLinkRead
from milkrun.billing import queries as billing_queries

router = APIRouter(prefix="/invoices/{invoice_id}/links", tags=["invoices"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BillLinkCreated)
def create_bill_link(
    invoice_id: PathId,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    body: BillLinkCreate | None = None,
) -> BillLinkCreated:
    """A link that shows this issued bill and how to pay it to whoever has it, no login needed;
    its URL and token are in this answer only. It works ``days`` days
    (``MILKRUN_BILL_LINK_DAYS`` when not given) unless revoked."""
    days = body.days if body is not None and body.days is not None else settings.bill_link_days
    link, token = service.create_link(session, invoice_id, actor, days=days)
    return BillLinkCreated(
        **BillLinkRead.model_validate(link).model_dump(),
        token=token,
        url=service.url_of(token, settings.base_url),
    )


@router.get("", response_model=list[BillLinkRead])
def list_bill_links(invoice_id: PathId, _: AdminUser, session: SessionDep) -> list[BillLinkRead]:
    """The bill's links, newest first (never their tokens)."""
    billing_queries.get_invoice(session, invoice_id)
    return [BillLinkRead.model_validate(link) for link in service.links_of(session, invoice_id)]


@router.delete("/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_bill_link(
    invoice_id: PathId, link_id: PathId, _: AdminUser, actor: ActorDep, session: SessionDep
) -> Response:
    """Switch the link off; whoever opens it gets 410 bill_link_revoked from now on."""
    service.revoke_link(session, invoice_id, link_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
