"""The repairs: the links the old system did not keep, found again by rules on plain values.

- A customer login belongs to the one customer with the login's phone or email. None, or
  several, and it stays unlinked (and disabled); a customer who has a login already keeps it.
- An order belongs to a subscription of its customer, product and shift that is due on its date
  (``milkrun.subscriptions.schedule``: dates, terms, pauses, overrides), one order per
  subscription and date. Several due: the one whose quantity that day is the order's, then the
  oldest. None due, or each due one has its order that date already: a one-time order.
- A delivery confirmation belongs to the one imported order of its customer, product and date
  (and shift, when it names one). None or several: reported, never guessed. Several
  confirmations of one order: the same outcome twice is one confirmation; different outcomes
  are reported. Its outcome obeys the marking rules (``milkrun.deliveries.rules``); an order
  marked already keeps its mark.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from milkrun.deliveries import rules
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.errors import MilkrunError
from milkrun.orders.models import Order
from milkrun.subscriptions.schedule import PauseSpan, Plan, due_quantity

# --- logins -> customers -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginLink:
    """The customer a login belongs to, or why it has none (``code``, ``detail``)."""

    customer_id: int | None
    code: str | None = None
    detail: str = ""


class CustomerDirectory:
    """Customers by phone and by email, and those that have a login already (or got one in
    this run)."""

    def __init__(
        self,
        customers: Iterable[tuple[int, str, str | None]],
        with_login: Iterable[int],
    ) -> None:
        self.by_phone: dict[str, set[int]] = defaultdict(set)
        self.by_email: dict[str, set[int]] = defaultdict(set)
        for customer_id, phone, email in customers:
            self.by_phone[phone].add(customer_id)
            if email:
                self.by_email[email.lower()].add(customer_id)
        self.with_login = set(with_login)

    def link(self, phone: str | None, email: str | None) -> LoginLink:
        """The one customer with the login's phone or email, if it has no login yet."""
        found = set()
        if phone:
            found |= self.by_phone.get(phone, set())
        if email:
            found |= self.by_email.get(email.lower(), set())
        if not found:
            return LoginLink(None, "no_customer", "no customer has its phone or email")
        if len(found) > 1:
            ids = ", ".join(f"#{i}" for i in sorted(found))
            return LoginLink(None, "several_customers", f"customers {ids} have its phone or email")
        (customer_id,) = found
        if customer_id in self.with_login:
            return LoginLink(
                None, "customer_has_login", f"customer #{customer_id} has a login already"
            )
        self.with_login.add(customer_id)
        return LoginLink(customer_id)


# --- orders -> subscriptions -------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLink:
    """The subscription an order was made from (None: a one-time order) and its quantity that
    day by the schedule; ``taken_by``: the subscription that was due but had its order."""

    subscription_id: int | None
    due_quantity: int = 0
    taken_by: int | None = None


class SubscriptionBook:
    """The subscriptions of the customers whose orders are being linked (as the schedule rules
    see them: ``Plan``), their pauses and overrides, and the (subscription, date) pairs that have
    an order already."""

    def __init__(
        self,
        plans: Iterable[Plan],
        pauses: Iterable[PauseSpan],
        overrides: Mapping[int, Mapping[dt.date, int]],
        taken: Iterable[tuple[int, dt.date]],
    ) -> None:
        self.plans: dict[int, list[Plan]] = defaultdict(list)
        for plan in sorted(plans, key=lambda p: p.subscription_id):
            self.plans[plan.customer_id].append(plan)
        self.pauses: dict[int, list[PauseSpan]] = defaultdict(list)
        for pause in pauses:
            self.pauses[pause.customer_id].append(pause)
        self.overrides = overrides
        self.taken = set(taken)

    def due(
        self, customer_id: int, product_id: int, shift: str, day: dt.date
    ) -> list[tuple[Plan, int]]:
        """The customer's subscriptions of that product and shift due on ``day``, with the
        quantity each delivers that day."""
        found = []
        for plan in self.plans.get(customer_id, []):
            terms = plan.terms_on(day)
            if terms is None or terms.product_id != product_id or terms.shift != shift:
                continue
            quantity = due_quantity(
                plan,
                day,
                pauses=self.pauses.get(customer_id, []),
                overrides=self.overrides.get(plan.subscription_id),
            )
            if quantity > 0:
                found.append((plan, quantity))
        return found

    def link(
        self, customer_id: int, product_id: int, shift: str, day: dt.date, quantity: int
    ) -> OrderLink:
        """The subscription this order comes from; it then has its order of ``day``."""
        due = self.due(customer_id, product_id, shift, day)
        free = [(plan, q) for plan, q in due if (plan.subscription_id, day) not in self.taken]
        if not free:
            return OrderLink(None, 0, due[0][0].subscription_id if due else None)
        plan, due_quantity_ = min(free, key=lambda f: (f[1] != quantity, f[0].subscription_id))
        self.taken.add((plan.subscription_id, day))
        return OrderLink(plan.subscription_id, due_quantity_)


# --- confirmations -> orders -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedOrder:
    """An order imported from the old system (now or earlier), as a confirmation sees it."""

    id: int
    customer_id: int
    product_id: int
    delivery_date: dt.date
    shift: str
    quantity: int
    status: str
    marked: bool


@dataclass(frozen=True)
class Confirmation:
    """A delivery confirmation, its customer resolved (None: no such customer)."""

    legacy_id: str
    customer_id: int | None
    product_id: int
    delivery_date: dt.date
    shift: str | None
    status: DeliveryOutcome
    quantity_delivered: int | None
    reason: str | None
    notes: str | None


Kind = Literal["linked", "unmatched", "ambiguous", "rejected"]


@dataclass(frozen=True)
class ConfirmationMatch:
    legacy_id: str
    kind: Kind
    order: ImportedOrder | None = None
    outcome: rules.Outcome | None = None
    code: str | None = None
    detail: str = ""


# Words in the old system's free-text reasons, and the reason each means.
REASON_WORDS: tuple[tuple[NotDeliveredReason, tuple[str, ...]], ...] = (
    (NotDeliveredReason.out_of_stock, ("stock", "ran out", "short")),
    (NotDeliveredReason.address_not_found, ("address", "not found", "could not find")),
    (NotDeliveredReason.refused, ("refus", "reject", "declin", "did not want", "returned")),
    (
        NotDeliveredReason.customer_unavailable,
        (
            "unavailable",
            "not available",
            "not at home",
            "not home",
            "nobody",
            "no one",
            "no answer",
            "locked",
            "absent",
            "away",
            "out of town",
        ),
    ),
)
NOTES_LENGTH = 500


def reason_of(text: str | None, status: DeliveryOutcome) -> tuple[NotDeliveredReason | None, str]:
    """The reason a free-text reason means (a reason's own name, or a word of it; anything else
    is ``other``), and what to keep of the text as a note. Not delivered always has a reason
    (``other`` when the old system gave none); delivered never has one."""
    if not text:
        return (NotDeliveredReason.other if status == DeliveryOutcome.not_delivered else None), ""
    if status == DeliveryOutcome.delivered:
        return None, text
    words = "_".join(text.lower().replace("-", " ").split())
    if words in NotDeliveredReason.__members__:
        return NotDeliveredReason(words), ""
    lowered = text.lower()
    for reason, needles in REASON_WORDS:
        if any(needle in lowered for needle in needles):
            return reason, text
    return NotDeliveredReason.other, text


def _notes(confirmation: Confirmation, kept_reason: str) -> str | None:
    parts = [p for p in (confirmation.notes, kept_reason and f"reason: {kept_reason}") if p]
    return "; ".join(parts)[:NOTES_LENGTH] or None


def _same(a: Confirmation, b: Confirmation) -> bool:
    return (a.status, a.quantity_delivered, reason_of(a.reason, a.status)[0]) == (
        b.status,
        b.quantity_delivered,
        reason_of(b.reason, b.status)[0],
    )


def _outcome(confirmation: Confirmation, order: ImportedOrder, today: dt.date) -> ConfirmationMatch:
    """The confirmation's outcome for its order, by the marking rules."""
    legacy_id = confirmation.legacy_id
    if order.marked:
        return ConfirmationMatch(
            legacy_id,
            "rejected",
            order,
            code="order_already_marked",
            detail=f"order #{order.id} is marked already; its mark is kept",
        )
    reason, kept = reason_of(confirmation.reason, confirmation.status)
    as_order = Order(
        id=order.id,
        customer_id=order.customer_id,
        delivery_date=order.delivery_date,
        quantity=order.quantity,
        status=order.status,
    )
    try:
        outcome = rules.outcome_of(
            as_order,
            confirmation.status,
            confirmation.quantity_delivered,
            reason,
            _notes(confirmation, kept),
            today,
        )
    except MilkrunError as exc:
        return ConfirmationMatch(
            legacy_id, "rejected", order, code=exc.code, detail=f"order #{order.id}: {exc.detail}"
        )
    return ConfirmationMatch(legacy_id, "linked", order, outcome)


def match_confirmations(
    confirmations: Sequence[Confirmation], orders: Iterable[ImportedOrder], today: dt.date
) -> list[ConfirmationMatch]:
    """Each confirmation's order and outcome, or why it has none (see the module rules)."""
    by_key: dict[tuple[int, int, dt.date], list[ImportedOrder]] = defaultdict(list)
    for order in orders:
        by_key[(order.customer_id, order.product_id, order.delivery_date)].append(order)

    results: dict[str, ConfirmationMatch] = {}
    claims: dict[int, list[Confirmation]] = defaultdict(list)
    for confirmation in confirmations:
        legacy_id = confirmation.legacy_id
        if confirmation.customer_id is None:
            results[legacy_id] = ConfirmationMatch(
                legacy_id, "unmatched", code="unknown_customer", detail="no such customer"
            )
            continue
        key = (confirmation.customer_id, confirmation.product_id, confirmation.delivery_date)
        fits = [o for o in by_key.get(key, []) if confirmation.shift in (None, o.shift)]
        if not fits:
            results[legacy_id] = ConfirmationMatch(
                legacy_id,
                "unmatched",
                code="no_order",
                detail=f"no imported order of that customer, product and date "
                f"({confirmation.delivery_date})",
            )
        elif len(fits) > 1:
            ids = ", ".join(f"#{o.id}" for o in fits)
            results[legacy_id] = ConfirmationMatch(
                legacy_id, "ambiguous", code="several_orders", detail=f"orders {ids} all fit"
            )
        else:
            claims[fits[0].id].append(confirmation)

    orders_by_id = {o.id: o for group in by_key.values() for o in group}
    for order_id, claimants in claims.items():
        order = orders_by_id[order_id]
        first, *others = claimants
        if others and not all(_same(first, other) for other in others):
            ids = ", ".join(c.legacy_id for c in claimants)
            for claimant in claimants:
                results[claimant.legacy_id] = ConfirmationMatch(
                    claimant.legacy_id,
                    "ambiguous",
                    order,
                    code="conflicting_confirmations",
                    detail=f"confirmations {ids} of order #{order_id} disagree",
                )
            continue
        results[first.legacy_id] = _outcome(first, order, today)
        for other in others:
            results[other.legacy_id] = ConfirmationMatch(
                other.legacy_id,
                "rejected",
                order,
                code="duplicate_confirmation",
                detail=f"order #{order_id} is confirmed by {first.legacy_id} already",
            )
    return [results[c.legacy_id] for c in confirmations]
