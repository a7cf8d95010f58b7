"""The customers' pages for ``make screenshots`` (issue 11), as (name, path, role): the integrator
wires this list into scripts/screenshots.py. ``{customer_id}`` is any customer with
subscriptions (the demo's first); role ``None`` is a page seen without logging in."""

from __future__ import annotations

PAGES_CUSTOMERS: list[tuple[str, str, str | None]] = [
    ("admin-customers", "/admin/customers", "admin"),
    ("admin-customers-waiting", "/admin/customers?route=waiting", "admin"),
    ("admin-customers-owing", "/admin/customers?owing=1", "admin"),
    ("admin-customer-new", "/admin/customers/new", "admin"),
    ("admin-customer", "/admin/customers/{customer_id}", "admin"),
    ("admin-customer-edit", "/admin/customers/{customer_id}/edit", "admin"),
    ("admin-customer-deactivate", "/admin/customers/{customer_id}/deactivate", "admin"),
    ("signup", "/signup", None),
    ("me-subscriptions", "/me#subscriptions", "customer"),
]
