"""Phone numbers: any format a person types, stored as E.164 (+919845012345); India by default."""

from __future__ import annotations

import phonenumbers

from milkrun.errors import InvalidInput

DEFAULT_REGION = "IN"


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"{raw!r} is not a phone number", code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(f"{raw!r} is not a valid phone number", code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
