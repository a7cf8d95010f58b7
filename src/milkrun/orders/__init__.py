"""The daily order book: one row per thing to deliver on a date.

An order is a customer's product, quantity and shift for a delivery date, with the unit price
captured from the price list effective that date and the customer's route. ``subscription_id``
links an order to the subscription it was materialized from (NULL: a one-time order).

Invariants in the schema: one order per subscription per date; quantity > 0; status is one of
scheduled, delivered, partially_delivered, not_delivered, cancelled; an order's subscription
belongs to the order's customer; ``(id, customer_id)`` is unique so that deliveries can reference
both. ``invoice_id`` is set by billing when it issues the invoice (a draft's orders are derived).

Rules: materialization (``generate.py``: what is due on a date is ``due.py``, making the orders
agree with it ``sync.py``) is set-based and idempotent, and only ever changes orders that are
still ``scheduled`` (or ``cancelled``) and on no invoice. A change to subscriptions, pauses or
overrides re-syncs the dates already materialized in the same transaction (``changes.py``, the
use cases callers reach those changes through). Until when a customer may change a date is the
cut-off (``milkrun.cutoff``).

Orders are made from subscriptions: this package imports ``milkrun.subscriptions``, never the
reverse.
"""
