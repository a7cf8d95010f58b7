"""The pages' own refusals of what a form sent (the domains refuse the rest)."""

from __future__ import annotations

from milkrun.errors import InvalidInput


class InvalidDate(InvalidInput):
    """A date field that holds no date."""

    code = "invalid_date"


class InvalidForm(InvalidInput):
    """A form the request schema refuses; the message names the first field at fault."""

    code = "invalid_form"


class LabelRequired(InvalidInput):
    """A shared delivery link says whom it is for."""

    code = "label_required"


class InvalidDeliveryBoy(InvalidInput):
    """The substitute chosen is not a delivery boy from the list."""

    code = "invalid_delivery_boy"


class ResumeBeforeStart(InvalidInput):
    """A vacation ends early on a day after it starts."""

    code = "resume_before_start"


class CancelBeforeStart(InvalidInput):
    """Cancelling a subscription from a day before it starts."""

    code = "cancel_before_start"


class InvalidMove(InvalidInput):
    """A stop moved other than up or down."""

    code = "invalid_move"


class CustomerRequired(InvalidInput):
    """Putting a stop on a route names the customer."""

    code = "customer_required"


class OwnLogin(InvalidInput):
    """An admin cannot disable his own login."""

    code = "own_login"


class InvalidMonth(InvalidInput):
    """A month that is not written YYYY-MM."""

    code = "invalid_month"


class VoidReasonRequired(InvalidInput):
    """Voiding a bill from the console needs the reason."""

    code = "void_reason_required"


class UnknownPageLanguage(InvalidInput):
    """The language switch sent a language the pages are not written in."""

    code = "unknown_page_language"
