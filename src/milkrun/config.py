"""Settings: one object, read from ``MILKRUN_*`` environment variables or ``.env``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-change-me-0123456789abcdef"  # noqa: S105 (refused in production)

# Placeholders that docs and local setups use for Razorpay's secrets (refused in production).
DEV_RAZORPAY_SECRETS = frozenset(
    {"change-me", "dev-razorpay-secret", "dev-razorpay-webhook-secret"}
)

# A comma-separated list of message channels: "whatsapp,sms,log".
CHANNEL_LIST = r"^(log|whatsapp|sms|email)(,(log|whatsapp|sms|email))*$"

Environment = Literal["dev", "demo", "test", "production"]


class Settings(BaseSettings):
    """Every setting of milkrun; the defaults run a demo dairy on SQLite with no configuration."""

    model_config = SettingsConfigDict(env_prefix="MILKRUN_", env_file=".env", extra="ignore")

    env: Environment = "dev"
    database_url: str = "sqlite:///./milkrun.db"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    access_token_minutes: int = Field(default=12 * 60, ge=1, le=60 * 24 * 30)

    timezone: str = "Asia/Kolkata"
    cutoff_time: dt.time = dt.time(22, 0)
    # The server materializes each date at its cut-off in a background thread (the embedded
    # default). Off in tests; switch it off where cron runs `milkrun orders generate`.
    scheduler: bool = True
    # Each delivery day D closes at this time (local) on D+1: every order still unmarked is
    # resolved by the policy — marked delivered (most dairies bill unless told otherwise), not
    # delivered, or left on the owner's review list (``milkrun deliveries close``).
    day_close_time: dt.time = dt.time(10, 0)
    day_close_policy: Literal["delivered", "not_delivered", "review"] = "delivered"

    # Proof of delivery: the delivery page asks the phone where it is at each mark (with the
    # phone's permission; the page works without it), and the route day shows how far from the
    # customer's door each mark was made, flagged past this many metres.
    proof_of_delivery: bool = False
    proof_flag_metres: int = Field(default=150, ge=10, le=10_000)
    # The dairy's own location: where every route's walk starts (the stop-order suggestion's
    # depot). Unset: a walk may start at any stop.
    dairy_latitude: float | None = Field(default=None, ge=-90, le=90)
    dairy_longitude: float | None = Field(default=None, ge=-180, le=180)

    # The largest request body read (bytes); a larger one is refused with 413 before parsing.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)

    business_name: str = "Nandini Fresh Dairy"
    business_address: str = "14 Dairy Circle, Hosur Road, Bengaluru 560029"
    business_gstin: str = "29ABCDE1234F1Z5"
    # The dairy's state (GST: every supply is intra-state, CGST + SGST); its code is the
    # GSTIN's first two digits.
    business_state: str = "Karnataka"
    # Bills: numbered PREFIX/2627/000123 (at most three letters or digits), due N days after issue.
    # Tax invoices and invoice-cum-bills of supply in one series, bills of supply in their own
    # (GST numbers are at most 16 characters, unique per financial year).
    invoice_prefix: str = Field(default="MR", pattern=r"^[A-Za-z0-9]{1,3}$")
    bill_of_supply_prefix: str = Field(default="BOS", pattern=r"^[A-Za-z0-9]{1,3}$")
    # Counter sales (walk-in, paid at the counter): cash memos in their own series, CM/2627/000001.
    cash_memo_prefix: str = Field(default="CM", pattern=r"^[A-Za-z0-9]{1,3}$")
    invoice_due_days: int = Field(default=10, ge=0, le=365)
    # UPI on every bill (a QR and a upi://pay link): the dairy's UPI ID (VPA), e.g.
    # nandinidairy@okaxis, and the name UPI apps show (the business name when empty). Without a
    # UPI ID, bills show nothing UPI.
    upi_vpa: str = Field(
        default="",
        max_length=255,
        pattern=r"^([A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63})?$",
    )
    upi_payee_name: str = Field(default="", max_length=99)
    # A public bill link (/b/{token}) works this many days unless revoked.
    bill_link_days: int = Field(default=30, ge=1, le=365)

    # Prepaid wallets: a day's orders are not generated for a prepaid customer whose balance
    # would fall below this (rupees), unless the customer has a threshold of its own.
    wallet_threshold: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=9, decimal_places=2)

    base_url: str = "http://127.0.0.1:8000"
    backup_dir: str = "backups"

    # Messages (milkrun.notify). The channels tried in order for each message, the first the
    # recipient opted into wins; "log" (the default) writes to the log and sends nothing.
    notify_channels: str = Field(default="log", pattern=CHANNEL_LIST)
    # The server runs the relay in a background thread; off where `milkrun notify relay` runs.
    notify_relay: bool = True
    # Messages a relay sends at once (a provider far away answers in 100 ms or more).
    notify_relay_concurrency: int = Field(default=8, ge=1, le=64)
    notify_max_attempts: int = Field(default=6, ge=1, le=30)
    notify_retry_seconds: float = Field(default=30.0, gt=0)  # the first retry; doubled each time
    # How long a claimed message is the claiming relay's; a relay that died leaves it to be
    # claimed again (with the same idempotency key) after this.
    notify_lease_seconds: float = Field(default=120.0, gt=0)
    notify_monthly_cap: int = Field(default=10000, ge=0)  # messages a month; 0: no cap
    notify_quiet_start: dt.time = dt.time(21, 0)
    notify_quiet_end: dt.time = dt.time(7, 0)
    notify_dues_reminder_days: int = Field(default=3, ge=0, le=365)
    whatsapp_api_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_phone_number_id: str = ""
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_app_secret: SecretStr = SecretStr("")  # verifies the delivery-status webhook
    whatsapp_verify_token: SecretStr = SecretStr("")  # answers the webhook's hub.challenge
    sms_url: str = ""
    sms_api_key: SecretStr = SecretStr("")
    sms_dlt_entity_id: str = ""  # the dairy's principal entity id on the DLT platform
    sms_sender: str = "MLKRUN"  # the DLT header (sender id)
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    email_from: str = "milkrun@localhost"

    # Paying online through a payment gateway (milkrun.payments.gateways), optional: with a
    # Razorpay key id, each bill with something due gets a Razorpay payment link, and the
    # payment_link.paid webhook (signed with the webhook secret) records the payment.
    razorpay_key_id: str = Field(default="", max_length=60)
    razorpay_key_secret: SecretStr = SecretStr("")
    razorpay_webhook_secret: SecretStr = SecretStr("")
    razorpay_api_url: str = "https://api.razorpay.com/v1"
    razorpay_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # A payment link works this many days (Razorpay wants at least 15 minutes).
    payment_link_days: int = Field(default=30, ge=1, le=365)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _no_dev_secret_in_production(self) -> Settings:
        if self.env not in ("dev", "demo", "test") and (
            self.secret_key.get_secret_value() == DEV_SECRET_KEY
        ):
            raise ValueError(
                "MILKRUN_SECRET_KEY is still the development default; set a long random secret "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("MILKRUN_SECRET_KEY must be at least 32 characters")
        self._razorpay_complete()
        return self

    def _razorpay_complete(self) -> None:
        """Razorpay is all or nothing: a key id needs its secret and the webhook secret (a
        webhook nobody can verify would record nothing). Outside dev/demo/test the placeholder
        secrets of the docs and the demo are refused like the development secret key."""
        if not self.razorpay_key_id:
            return
        secrets = {
            "MILKRUN_RAZORPAY_KEY_SECRET": self.razorpay_key_secret.get_secret_value(),
            "MILKRUN_RAZORPAY_WEBHOOK_SECRET": self.razorpay_webhook_secret.get_secret_value(),
        }
        for name, value in secrets.items():
            if not value:
                raise ValueError(f"MILKRUN_RAZORPAY_KEY_ID is set: set {name} too")
            if self.env not in ("dev", "demo", "test") and value in DEV_RAZORPAY_SECRETS:
                raise ValueError(f"{name} is still a development placeholder; set the real one")

    @property
    def razorpay_enabled(self) -> bool:
        return bool(self.razorpay_key_id)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def runs_scheduler(self) -> bool:
        return self.scheduler and self.env != "test"

    @property
    def runs_relay(self) -> bool:
        return self.notify_relay and self.env != "test"

    @property
    def channels(self) -> list[str]:
        return self.notify_channels.split(",")

    @property
    def dairy_location(self) -> tuple[float, float] | None:
        """The dairy's (latitude, longitude), when both are set."""
        if self.dairy_latitude is None or self.dairy_longitude is None:
            return None
        return (self.dairy_latitude, self.dairy_longitude)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
