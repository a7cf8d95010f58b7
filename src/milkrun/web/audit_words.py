"""An audit event's before and after in words, field by field: "quantity 2 → 3", money in ₹,
dates as dates; fields that did not change and bookkeeping columns left out."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from milkrun.errors import MilkrunError
from milkrun.money import format_inr, to_paise

MONEY_WORDS = frozenset({"amount", "price", "total", "subtotal", "tax", "balance"})
SKIPPED = frozenset({"id", "created_at", "updated_at", "version"})
ACTIONS = (
    "customer.create",
    "customer.register",
    "customer.update",
    "delivery.correct",
    "delivery.mark",
    "invoice.finalize",
    "invoice.void",
    "order.cancel",
    "order.create",
    "orders.generate",
    "override.clear",
    "override.set",
    "pause.create",
    "pause.delete",
    "pause.update",
    "payment.record",
    "product.create",
    "product.price_add",
    "product.update",
    "route.create",
    "route.stops",
    "route.update",
    "subscription.change",
    "subscription.create",
    "user.create",
    "user.update",
)


def field_name(key: str) -> str:
    for suffix in ("_paise", "_id"):
        if key.endswith(suffix) and key != "id":
            base = key.removesuffix(suffix)
            return base.replace("_", " ") + (" #" if suffix == "_id" else "")
    return key.replace("_", " ")


def value_words(key: str, value: Any, zone: ZoneInfo | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("_paise") and isinstance(value, int):
        return format_inr(value)
    if key.split("_")[-1] in MONEY_WORDS and isinstance(value, str):
        try:
            return format_inr(to_paise(value))  # the API's rupee strings ("168.00")
        except MilkrunError:
            return value
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None and zone is not None:
            instant = instant.astimezone(zone)
        return instant.strftime("%d %b %Y, %H:%M")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d %b %Y")
        except ValueError:
            return value
    if isinstance(value, dict):
        return ", ".join(f"{field_name(k)} {value_words(k, v, zone)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_words(key, v, zone) for v in value)
    return str(value)


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, zone: ZoneInfo | None = None
) -> list[str]:
    """The event's change in words, one line per field (instants in ``zone``)."""
    before, after = before or {}, after or {}
    lines = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in SKIPPED:
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        name = field_name(key)
        if key not in before:
            lines.append(f"{name} {value_words(key, new, zone)}")
        elif key not in after:
            lines.append(f"{name} {value_words(key, old, zone)} (removed)")
        else:
            lines.append(f"{name} {value_words(key, old, zone)} → {value_words(key, new, zone)}")
    return lines
