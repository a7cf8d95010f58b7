"""Deliveries: what happened to each order on its date, who recorded it, and the day's manifest.

Owns ``delivery_statuses`` (one row per marked order), ``idempotency_keys`` (replaying retried
marks) and the manifest of a route for a date (stops in sequence, their orders, what changed
since the customer's usual, and the load sheet).

Rules (``rules.py``): ``delivered`` ⇒ quantity_delivered = the order's quantity;
``partially_delivered`` ⇒ 0 < quantity_delivered < quantity; ``not_delivered`` ⇒ 0 and a reason.
A cancelled order cannot be marked; an order of a later date cannot be marked yet. The order's
status, its delivery status and one audit event are written in one transaction; the same mark
twice changes nothing and records nothing. A delivery boy marks only orders of the routes he
walks on the order's date (his own, or one he substitutes on); a shared delivery link only
orders of its route and date; an admin any order. Concurrent marks never lose an update: every
change is a conditional UPDATE on ``delivery_statuses.version`` (and on PostgreSQL the order row
is locked first), so exactly one audit event is written per effective change.

Who may mark which orders: ``markers.py``; how a mark is written (conditional statements, one
audit event per effective change): ``recording.py``; finding and locking the orders of a mark:
``service.py``.

Invariants in the schema: one delivery status per order; ``(order_id, customer_id)`` references
the order; status, reason and quantity agree (``outcome_fits_status``); exactly one of
``recorded_by_user_id`` / ``recorded_by_link_id`` is set; ``UNIQUE(caller, key)`` for keys.
"""
