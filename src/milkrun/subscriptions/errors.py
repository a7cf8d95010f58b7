"""The refusals of subscriptions, pauses and overrides, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class SubscriptionNotFound(NotFound):
    """No subscription has this id (or the caller may not see it)."""

    code = "subscription_not_found"


class PauseNotFound(NotFound):
    """No pause has this id (or the caller may not see it)."""

    code = "pause_not_found"


class OverrideNotFound(NotFound):
    """The subscription has no override on that date."""

    code = "override_not_found"


class CustomerInactive(InvalidInput):
    """An inactive customer gets no new subscription."""

    code = "customer_inactive"


class ProductInactive(InvalidInput):
    """The product is no longer sold."""

    code = "product_inactive"


class ProductNotPriced(InvalidInput):
    """The product has no price on the date."""

    code = "product_not_priced"


class QuantityNeedsSchedule(InvalidInput):
    """A weekdays schedule has a quantity per weekday: send a schedule, not a quantity."""

    code = "quantity_needs_schedule"


class NothingToChange(InvalidInput):
    """A change effective from a date changes something."""

    code = "nothing_to_change"


class EffectiveAfterEnd(InvalidInput):
    """A change takes effect before the subscription ends."""

    code = "effective_after_end"


class EndBeforeStart(InvalidInput):
    """An end date is on or after its start date."""

    code = "end_before_start"


class DateOutsideSubscription(InvalidInput):
    """The date is outside the subscription's start and end."""

    code = "date_outside_subscription"


class PauseOverlaps(Conflict):
    """Another pause already covers some of these dates."""

    code = "pause_overlaps"


class PauseStarted(Conflict):
    """A pause that has started is resumed by setting its end date, not cancelled."""

    code = "pause_started"
