"""The refusals of the catalog, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NamedInBody, NotFound


class ProductNotFound(NotFound):
    """No product has this id."""

    code = "product_not_found"


class UnknownProduct(NamedInBody):
    """The product named in the request does not exist."""

    code = ProductNotFound.code


class SkuTaken(Conflict):
    """Another product already has this SKU."""

    code = "sku_taken"


class PriceExists(Conflict):
    """The product already has a price effective on this date."""

    code = "price_exists"


class PriceInPast(InvalidInput):
    """New prices start today or later; past orders keep theirs."""

    code = "price_in_past"


class PriceMissing(Conflict):
    """A change in per cent or rupees needs a price to start from."""

    code = "price_missing"


class PriceNegative(InvalidInput):
    """A price never falls below zero."""

    code = "price_negative"


class PriceTooHigh(InvalidInput):
    """A price stays within ₹1,00,00,000."""

    code = "price_too_high"


class TaxRateExists(Conflict):
    """The product already has a tax rate effective from this date."""

    code = "tax_rate_exists"
