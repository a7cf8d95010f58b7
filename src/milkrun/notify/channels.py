"""The channels: each a small adapter behind one interface, ``send(outgoing) -> provider id``.

Every send carries the message's idempotency key (an ``Idempotency-Key`` header on HTTP, the
``Message-ID`` of an e-mail, WhatsApp's ``biz_opaque_callback_data``), so a retry after a relay
died between sending and recording is recognised by a provider that honours it.

A channel raises ``SendFailed``: ``permanent`` when sending again cannot help (the provider
refused the request: 4xx other than 408/429), else the relay retries with backoff.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

import httpx

from milkrun.config import Settings
from milkrun.notify.models import Channel

log = logging.getLogger("milkrun.notify")
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
RETRIABLE_STATUSES = {408, 425, 429}


class SendFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One message, rendered, as a channel sends it."""

    idempotency_key: str
    to: str
    language: str
    text: str
    subject: str
    template: str  # the provider's template name (WhatsApp)
    parameters: list[str]  # the template's variables in order (WhatsApp's {{1}}, {{2}}...)
    dlt_template_id: str


class MessageChannel(Protocol):
    name: Channel

    def send(self, message: Outgoing) -> str | None: ...

    def close(self) -> None: ...


class LogChannel:
    """The default: writes the message to the log and sends nothing anywhere."""

    name = Channel.log

    def send(self, message: Outgoing) -> str | None:
        log.info("message %s to %s: %s", message.idempotency_key, message.to, message.text)
        return None

    def close(self) -> None:
        pass


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        permanent = response.status_code < 500 and response.status_code not in RETRIABLE_STATUSES
        raise SendFailed(f"HTTP {response.status_code}: {response.text[:300]}", permanent=permanent)
    try:
        return response.json()
    except ValueError:
        return {}


def _post(client: httpx.Client, url: str, body: dict[str, Any], key: str) -> Any:
    try:
        response = client.post(url, json=body, headers={"Idempotency-Key": key})
    except httpx.HTTPError as exc:  # refused, timed out, reset: worth another try
        raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
    return _answer(response)


class WhatsAppChannel:
    """WhatsApp Cloud API: ``POST /{version}/{phone-number-id}/messages`` with a template."""

    name = Channel.whatsapp

    def __init__(self, settings: Settings) -> None:
        if not settings.whatsapp_phone_number_id or not settings.whatsapp_access_token:
            raise ValueError(
                "the whatsapp channel needs MILKRUN_WHATSAPP_PHONE_NUMBER_ID and "
                "MILKRUN_WHATSAPP_ACCESS_TOKEN"
            )
        base = settings.whatsapp_api_url.rstrip("/")
        self.url = (
            f"{base}/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
        )
        token = settings.whatsapp_access_token.get_secret_value()
        self.client = httpx.Client(timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"})

    def send(self, message: Outgoing) -> str | None:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.removeprefix("+"),
            "type": "template",
            "template": {
                "name": message.template,
                "language": {"code": message.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": p} for p in message.parameters],
                    }
                ],
            },
            # Echoed in every status webhook of this message: ties it back to the row.
            "biz_opaque_callback_data": message.idempotency_key,
        }
        answer = _post(self.client, self.url, body, message.idempotency_key)
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id")) if messages[0].get("id") else None

    def close(self) -> None:
        self.client.close()


class SmsChannel:
    """A generic HTTP SMS provider with India's DLT fields: the dairy's entity id, the
    template's DLT id and the header (sender id). The text must match the registered one."""

    name = Channel.sms

    def __init__(self, settings: Settings) -> None:
        if not settings.sms_url or not settings.sms_dlt_entity_id:
            raise ValueError("the sms channel needs MILKRUN_SMS_URL and MILKRUN_SMS_DLT_ENTITY_ID")
        self.url = settings.sms_url
        self.entity_id = settings.sms_dlt_entity_id
        self.header = settings.sms_sender
        key = settings.sms_api_key.get_secret_value()
        self.client = httpx.Client(timeout=TIMEOUT, headers={"Authorization": f"Bearer {key}"})

    def send(self, message: Outgoing) -> str | None:
        body = {
            "to": message.to,
            "text": message.text,
            "unicode": not message.text.isascii(),
            "dlt_entity_id": self.entity_id,
            "dlt_template_id": message.dlt_template_id,
            "header": self.header,
            "reference": message.idempotency_key,
        }
        answer = _post(self.client, self.url, body, message.idempotency_key)
        found = answer.get("id") or answer.get("message_id")
        return str(found) if found else None

    def close(self) -> None:
        self.client.close()


class EmailChannel:
    """E-mail over SMTP (the standard library's smtplib). SMTP has no idempotency key; the
    message's ``Message-ID`` is derived from it, so a receiving system that de-duplicates on
    Message-ID (most do) shows a resent message once."""

    name = Channel.email

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.domain = settings.email_from.rpartition("@")[2] or "milkrun"

    def send(self, message: Outgoing) -> str | None:
        settings = self.settings
        email = EmailMessage()
        email["From"] = settings.email_from
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{message.idempotency_key}@{self.domain}>"
        email["Content-Language"] = message.language
        email.set_content(message.text)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return str(email["Message-ID"])

    def close(self) -> None:
        pass


def open_channels(settings: Settings) -> dict[str, MessageChannel]:
    """The channels ``MILKRUN_NOTIFY_CHANNELS`` names, ready to send (a missing setting is an
    error at start, not at the first message)."""
    makers: dict[str, Any] = {
        Channel.log: lambda _s: LogChannel(),
        Channel.whatsapp: WhatsAppChannel,
        Channel.sms: SmsChannel,
        Channel.email: EmailChannel,
    }
    return {name: makers[name](settings) for name in settings.channels}
