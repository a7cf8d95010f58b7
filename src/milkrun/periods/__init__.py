"""Closed periods: which delivery days are closed, and which billing months are finalized.

A delivery day is closed once its orders have all been resolved (marked by people, or by the
day close on the dairy's policy; see ``milkrun.deliveries.closing``); a month is closed when
its bills are finalized, once, after its last day has closed (``milkrun.billing.service``).
Below orders, deliveries and billing, which all ask it: orders are never generated for a date
of a closed month, a month is finalized only after its last day closed, a closed month gets no
second bill.
"""
