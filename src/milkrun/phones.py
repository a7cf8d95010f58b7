"""Phone numbers: any format a person types, stored as E.164 (+919845012345); India by default."""

from __future__ import annotations

import phonenumbers

from milkrun.errors import InvalidInput

DEFAULT_REGION = "IN"


class InvalidPhone(InvalidInput):
    """Not a phone number, or not a valid one."""

    code = "invalid_phone"


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"{raw!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
