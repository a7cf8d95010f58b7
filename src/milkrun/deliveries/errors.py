from __future__ import annotations

from milkrun.errors import MilkrunError


class IdempotencyKeyReused(MilkrunError):
    """The same Idempotency-Key came back with a different request: the client has a bug, and
    replaying the first answer to it would hide that."""

    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"
