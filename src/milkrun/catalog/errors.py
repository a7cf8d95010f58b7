"""The refusals of the catalog, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, NamedInBody, NotFound


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
