"""The refusals of recording payments, and of the payment gateway, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, MilkrunError


class ReceivedInFuture(InvalidInput):
    """A payment cannot be received in the future."""

    code = "received_in_future"


class DuplicateReference(Conflict):
    """A payment with this method and reference is already recorded."""

    code = "duplicate_reference"


class PossibleDuplicate(Conflict):
    """The same amount by the same method was just recorded for the customer: confirm it."""

    code = "possible_duplicate"


class AlreadyHandedOver(Conflict):
    """The delivery boy's handover of this day is already confirmed."""

    code = "already_handed_over"


class NothingToHandOver(InvalidInput):
    """The delivery boy has no cash waiting to be handed over up to this day."""

    code = "nothing_to_hand_over"


class GatewayUnavailable(MilkrunError):
    """The payment gateway did not answer, or answered with an error: nothing was changed."""

    status = 502
    code = "gateway_unavailable"


class BadWebhookSignature(InvalidInput):
    """A gateway webhook whose signature is not the webhook secret's HMAC of its body."""

    code = "bad_webhook_signature"
