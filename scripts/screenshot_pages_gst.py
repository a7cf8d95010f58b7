"""The GST pages ``make screenshots`` photographs (see ``screenshot_pages.py``): the GSTR-1
return of this month, when the demo's November bills were issued."""

from __future__ import annotations

PAGES_GST = [
    ("admin-gstr1", "/admin/billing/gstr1?month={month}", "admin"),
    ("admin-invoice-gst", "/admin/invoices/{invoice_id}", "admin"),
]
