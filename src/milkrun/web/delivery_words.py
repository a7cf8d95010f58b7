"""The words the delivery page's scripts draw (static/delivery.js, delivery-round.js,
delivery-proof.js: the stop cards, their buttons, the sync line), in the reader's language.

The template renders ``delivery_words()`` as a JSON block (``dday-words``) beside the page's
config; each script looks its English text up there (``t("Pending %(n)s · offline", {n})``) and
keeps the English when a text is missing. A text added to a script is added here too.
"""

from __future__ import annotations

from milkrun.languages import N_, _

WORDS = (
    N_("%(amount)s cash taken"),
    N_("%(amount)s cash waiting to send"),
    N_("%(delivered)s of %(quantity)s delivered"),
    N_("%(done)s of %(total)s stops done"),
    N_("(usually %(quantity)s)"),
    N_("Address not found"),
    N_("All %(n)s delivered"),
    N_("All saved · offline, stops as of %(time)s"),
    N_("All saved"),
    N_("Back"),
    N_("Bottles"),
    N_("Call %(name)s"),
    N_("Call"),
    N_("Cancelled"),
    N_("Cash taken (₹)"),
    N_("Cash taken ₹"),
    N_("Cash"),
    N_("Change"),
    N_("Delivered"),
    N_("Extra one-time order"),
    N_("Given"),
    N_("Holds %(bottles)s"),
    N_("Keep as it was"),
    N_("Left"),
    N_("Load sheet"),
    N_("Load"),
    N_("Location is off for this page: allow it in the browser to send the door."),
    N_("New customer"),
    N_("No connection: try again at the door when there is signal."),
    N_("Not at home"),
    N_("Not delivered · %(reasons)s"),
    N_("Not delivered"),
    N_("Not saved: %(why)s"),
    N_("Not sent: %(why)s"),
    N_("Nothing to deliver today"),
    N_("On pause – do not deliver"),
    N_("One less"),
    N_("One less: %(what)s"),
    N_("One more"),
    N_("One more: %(what)s"),
    N_("Other"),
    N_("Out of stock"),
    N_("Partial"),
    N_("Partly delivered"),
    N_("Partly on pause"),
    N_("Pending %(n)s · log in again to send"),
    N_("Pending %(n)s · offline"),
    N_("Pending %(n)s · sending…"),
    N_("Pending %(n)s · will retry"),
    N_("Product"),
    N_("Quantity changed"),
    N_("Refused"),
    N_("Save bottles"),
    N_("Save cash"),
    N_("Save"),
    N_("Sending…"),
    N_("Sent: the owner will approve this location."),
    N_("The dairy refused this mark (%(status)s)"),
    N_("This stop is here"),
    N_("To deliver"),
    N_("Type the rupees taken, e.g. 500 or 450.50"),
    N_("Waiting for the phone's location; try again in a moment."),
    N_("Why not?"),
    N_("bottles waiting to send"),
    N_("of %(quantity)s"),
)


def delivery_words() -> dict[str, str]:
    """Each script text with its translation in the language of the moment."""
    return {text: _(text) for text in WORDS}
