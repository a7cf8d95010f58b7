"""The pages ``make screenshots`` photographs: (name, path, role).

A path may name ``{route_id}``, ``{customer_id}`` (one with subscriptions), ``{product_id}``,
``{staff_id}`` (a delivery boy), ``{yesterday}``, ``{today}``, ``{tomorrow}``,
``{after_tomorrow}``, ``{month}``, ``{last_month}`` or ``{invoice_id}`` (an issued bill), filled
in from the demo dairy; role ``None`` is a page seen without logging in.

Another area adds its pages here, or in a module of its own named
``scripts/screenshot_pages_<area>.py`` holding a list ``PAGES_<AREA>`` of the same triples:
``scripts/screenshots.py`` picks those up by itself (a name listed twice is taken once).
"""

from __future__ import annotations

PAGES = [
    ("admin-today", "/admin", "admin"),
    ("admin-customers", "/admin/customers", "admin"),
    ("admin-products", "/admin/products", "admin"),
    ("admin-routes", "/admin/routes", "admin"),
    ("admin-route-day", "/admin/routes/{route_id}/day?date={today}", "admin"),
    ("admin-generate", "/admin/orders/generate?date={after_tomorrow}", "admin"),
    ("admin-audit", "/admin/audit", "admin"),
    ("admin-reports", "/admin/reports", "admin"),
    ("admin-report-requirement", "/admin/reports/requirement", "admin"),
    ("admin-report-deliveries", "/admin/reports/deliveries", "admin"),
    ("admin-report-sales", "/admin/reports/sales", "admin"),
    ("admin-report-customers", "/admin/reports/customers", "admin"),
]
