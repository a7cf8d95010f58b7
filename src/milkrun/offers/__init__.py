"""Festival offers: a date with an extra product offered to every customer, accepted per customer.

An offer names a date, a product and a text; its price is the product's price in force on that
date (the catalog's one statement of price). A customer accepts it on its page: the acceptance
makes a one-time order through the orders service, under its cut-off rules, and is linked to
that order. Invariants in the schema: one acceptance per customer per offer; an acceptance's
order is its own (UNIQUE order_id).
"""
