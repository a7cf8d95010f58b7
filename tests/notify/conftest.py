from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.notify import consent
from milkrun.notify.models import Channel, OutboxMessage
from tests import factories
from tests.conftest import TEST_SECRET
from tests.notify.fakes import (
    PHONE_NUMBER_ID,
    SMS_KEY,
    VERSION,
    WHATSAPP_TOKEN,
    FakeProviders,
    FakeSmtp,
)


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    with FakeProviders() as fake:
        yield fake


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    with FakeSmtp() as fake:
        yield fake


def live_settings(database_url: str, providers_url: str, **changes: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "notify_channels": "whatsapp,sms,email",
        "whatsapp_api_url": providers_url,
        "whatsapp_api_version": VERSION,
        "whatsapp_phone_number_id": PHONE_NUMBER_ID,
        "whatsapp_access_token": WHATSAPP_TOKEN,
        "whatsapp_app_secret": "fake-app-secret",
        "whatsapp_verify_token": "fake-verify-token",
        "sms_url": f"{providers_url}/sms/send",
        "sms_api_key": SMS_KEY,
        "sms_dlt_entity_id": "1101234567890123456",
        "sms_sender": "NANDNI",
        "smtp_host": "127.0.0.1",
        "email_from": "bills@nandini.example",
        **changes,
    }
    return Settings.model_validate(values)


@pytest.fixture
def live(database_url: str, providers: FakeProviders, smtp: FakeSmtp) -> Settings:
    """Settings whose channels are the local fakes."""
    return live_settings(database_url, providers.url, smtp_port=smtp.port)


def opted_in(
    session: Session, *channels: Channel, language: str = "en", email: str | None = None
) -> Customer:
    customer = factories.customer(session)
    customer.language = language
    customer.email = email
    for channel in channels:
        consent.record_consent(
            session, customer.id, channel, opted_in=True, source="paper form", actor=factories.ACTOR
        )
    session.flush()
    return customer


def messages(session: Session, **where: object) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        statement = statement.where(getattr(OutboxMessage, name) == value)
    return list(session.scalars(statement))
