"""The refusals of counter sales, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class CounterSaleNotFound(NotFound):
    """No such counter sale."""

    code = "counter_sale_not_found"


class EmptySale(InvalidInput):
    """A sale names at least one product with a quantity of one or more."""

    code = "empty_sale"


class ProductNotForSale(Conflict):
    """An inactive product, or one without a price on the day, cannot be sold."""

    code = "product_not_for_sale"


class SaleAlreadyVoid(Conflict):
    """The sale is already void."""

    code = "counter_sale_already_void"


class SaleVoidReasonRequired(InvalidInput):
    """Voiding a sale needs a reason (it is listed with the cancelled number)."""

    code = "counter_sale_void_reason_required"
