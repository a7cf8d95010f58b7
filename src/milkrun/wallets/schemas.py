from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from milkrun.money import to_paise

# A threshold in rupees; negative ones are malformed (422).
Threshold = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2)]


class WalletUpdate(BaseModel):
    """Make a customer prepaid or postpaid; ``threshold`` null: the dairy's."""

    model_config = ConfigDict(extra="forbid")

    is_prepaid: bool
    threshold: Threshold | None = None


class HoldRead(BaseModel):
    delivery_date: dt.date
    available: str
    needed: str
    threshold: str
    held_at: dt.datetime
    lifted_at: dt.datetime | None

    @property
    def needed_paise(self) -> int:
        return to_paise(self.needed)

    @property
    def available_paise(self) -> int:
        return to_paise(self.available)


class WalletRead(BaseModel):
    customer_id: int
    is_prepaid: bool
    # The threshold in force, and whether it is the customer's own or the dairy's.
    threshold: str
    threshold_is_own: bool
    # What the customer has before tomorrow: paid, less billed, less delivered or scheduled
    # up to today and not yet billed (negative: it owes).
    balance: str
    ledger_balance: str
    unbilled: str
    # Low-balance holds from today on (skipped days; lifted ones were generated after a top-up).
    holds: list[HoldRead]

    @property
    def balance_paise(self) -> int:
        return to_paise(self.balance)

    @property
    def threshold_paise(self) -> int:
        return to_paise(self.threshold)

    @property
    def low_days(self) -> list[dt.date]:
        """The days not delivered for a low balance (holds not lifted)."""
        return [hold.delivery_date for hold in self.holds if hold.lifted_at is None]

    @property
    def is_low(self) -> bool:
        return any(hold.lifted_at is None for hold in self.holds)
