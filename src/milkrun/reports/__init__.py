"""The owner's reads across domains: the today board and the reports (daily requirement,
deliveries per delivery boy, sales per product and month, customers per month).

Reads only, set-based (a few statements whatever the size of the dairy, never one per row). It
sits above the domains it reads (orders, deliveries, billing, customers, routing) and below the
delivery layers; nothing in the domains imports it.
"""
