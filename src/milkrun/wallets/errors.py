"""The refusals of prepaid wallets, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict


class NotPrepaid(Conflict):
    """A threshold is set for a customer who is not prepaid."""

    code = "not_prepaid"
