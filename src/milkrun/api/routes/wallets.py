"""Prepaid wallets: make a customer prepaid or postpaid and set its threshold (admins), read a
wallet (admins; a customer its own). A top-up is a payment: ``POST /payments``."""

from __future__ import annotations

from fastapi import APIRouter

from milkrun import clock
from milkrun.api.caller import CallerCustomerId, MyCustomerId
from milkrun.api.deps import ActorDep, AdminUser, PathId, SessionDep, SettingsDep
from milkrun.wallets import queries, service
from milkrun.wallets.generation import threshold_of
from milkrun.wallets.schemas import WalletRead, WalletUpdate

router = APIRouter(tags=["wallets"])


@router.get("/customers/{customer_id}/wallet", response_model=WalletRead)
def read_wallet(
    customer_id: CallerCustomerId, session: SessionDep, settings: SettingsDep
) -> WalletRead:
    """The balance before tomorrow (paid, less billed, less delivered or scheduled and not yet
    billed), the threshold in force, and the days held for a low balance from today on."""
    return queries.wallet(
        session, customer_id, threshold_of(settings), settings.zone, clock.today(settings.zone)
    )


@router.put("/customers/{customer_id}/wallet", response_model=WalletRead)
def update_wallet(
    customer_id: PathId,
    body: WalletUpdate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> WalletRead:
    """Make the customer prepaid (``threshold`` null: the dairy's MILKRUN_WALLET_THRESHOLD) or
    postpaid. Generated days not begun follow at once: held when the wallet is too low for
    them, brought back when it is not (or the customer is postpaid)."""
    today = clock.today(settings.zone)
    threshold = threshold_of(settings)
    service.set_wallet(session, customer_id, body, actor, threshold_paise=threshold, today=today)
    return queries.wallet(session, customer_id, threshold, settings.zone, today)


@router.get("/me/wallet", response_model=WalletRead, tags=["me"])
def my_wallet(me: MyCustomerId, session: SessionDep, settings: SettingsDep) -> WalletRead:
    return queries.wallet(
        session, me, threshold_of(settings), settings.zone, clock.today(settings.zone)
    )
