"""Subscriptions: what a customer receives on which days, and the exceptions to it.

A subscription (customer, start date, optional end date) carries dated *terms*: from an
``effective_from`` date on, a product, a shift and a schedule. The terms in force on a date are
the row with the latest ``effective_from`` on or before it, so a change from a future date never
rewrites the past. A schedule is one of

- ``daily`` / ``alternate_days`` / ``every_n_days``: ``quantity`` on the days whose distance from
  the schedule's anchor date is a multiple of ``interval_days`` (1, 2, n); the anchor is the start
  date, or the ``effective_from`` of the change that set the schedule;
- ``weekdays``: a quantity per weekday (0 = none that day).

Pauses stop deliveries of one subscription, or of all of a customer's, for a date range or
open-ended (until resumed by setting an end date); pauses of the same scope never overlap.
An override sets one date's quantity (0 skips it) within the subscription's start and end dates,
on a scheduled day or not; a pause covering the date wins over an override.

``schedule.py`` is the plain-Python statement of these rules ("what is due on D"); the set-based
SQL in ``milkrun.orders.due`` must agree with it (a property test compares them).

Subscriptions sit below orders and import nothing from them. Each change (``service.py``,
``pauses.py``, ``overrides.py``) checks the cut-off (``milkrun.cutoff``), writes, and returns a
``bookkeeping.Change``; ``milkrun.orders.changes`` re-syncs the orders of the dates it affects and
writes its one audit event, in the same transaction.

Invariants in the schema: quantities > 0 (override quantities >= 0); schedule fields valid for
their kind; start <= end; one override per subscription per date; a pause's subscription belongs
to the pause's customer.
"""
