"""The billing pages ``make screenshots`` photographs (see screenshot_pages.py)."""

from __future__ import annotations

PAGES_BILLING = [
    ("admin-billing-month", "/admin/billing?month={last_month}", "admin"),
    ("admin-billing-current", "/admin/billing?month={month}", "admin"),
    ("admin-invoice", "/admin/invoices/{invoice_id}", "admin"),
    ("admin-payments", "/admin/payments", "admin"),
    ("admin-dues", "/admin/dues", "admin"),
    ("admin-reconcile", "/admin/billing/reconcile?month={last_month}", "admin"),
]
