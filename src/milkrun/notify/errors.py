from __future__ import annotations

from milkrun.errors import Conflict, Forbidden, InvalidInput, NotFound


class TemplateFailed(InvalidInput):
    """A template and its parameters do not make a message (a missing parameter)."""

    code = "template_failed"


class UnknownTemplate(NotFound):
    code = "unknown_template"


class MessageNotFound(NotFound):
    code = "message_not_found"


class NotRetriable(Conflict):
    """Only a dead letter or a skipped message is sent again by hand."""

    code = "message_not_retriable"


class BadSignature(Forbidden):
    """A webhook call whose X-Hub-Signature-256 is not the app secret's HMAC of its body."""

    code = "bad_signature"


class UnknownChannel(InvalidInput):
    code = "unknown_channel"
