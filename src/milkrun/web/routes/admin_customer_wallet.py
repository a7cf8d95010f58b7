"""The wallet form of the customer page: prepaid or postpaid, and an own threshold."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from milkrun.errors import MilkrunError
from milkrun.http.deps import PathId
from milkrun.wallets import service as wallet_service
from milkrun.wallets.generation import threshold_of
from milkrun.wallets.schemas import WalletUpdate
from milkrun.web.forms import valid_form
from milkrun.web.pages import AdminVisit
from milkrun.web.routes.admin_customer import customer_page
from milkrun.web.subscription_forms import Attempt, FormValues

router = APIRouter(prefix="/admin/customers/{customer_id}")

WORDS = {"threshold": "The threshold is an amount in rupees, ₹0 or more (e.g. 150.00)"}


@router.post("/wallet", response_model=None)
def save_wallet(visit: AdminVisit, customer_id: PathId, values: FormValues) -> Response:
    page = customer_page(visit, customer_id)
    typed = {k: values.get(k, "") for k in ("is_prepaid", "threshold")}
    attempt = Attempt("wallet", "", values=typed)
    try:
        threshold = typed["threshold"].replace(",", "").lstrip("₹").strip()
        data = valid_form(
            WalletUpdate,
            {"is_prepaid": typed["is_prepaid"] == "true", "threshold": threshold or None},
            WORDS,
        )
        wallet_service.set_wallet(
            page.session,
            customer_id,
            data,
            page.actor,
            threshold_paise=threshold_of(page.settings),
            today=page.window.today,
        )
    except MilkrunError as exc:
        return page.refuse(exc, attempt)
    return page.back("wallet", "wallet")
