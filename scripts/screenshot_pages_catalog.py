"""The console's products, routes and staff pages for ``make screenshots`` (issue 11, point 12):
(name, path, role). Paths with ``{product_id}``, ``{route_id}`` or ``{staff_id}`` take the first
product, route and delivery boy of the demo data."""

from __future__ import annotations

PAGES_CATALOG: list[tuple[str, str, str]] = [
    ("admin-products", "/admin/products", "admin"),
    ("admin-product-new", "/admin/products/new", "admin"),
    ("admin-product", "/admin/products/{product_id}", "admin"),
    ("admin-product-gst", "/admin/products/{taxed_product_id}#gst", "admin"),
    ("admin-prices-bulk", "/admin/products/prices", "admin"),
    ("admin-routes", "/admin/routes", "admin"),
    ("admin-route-new", "/admin/routes/new", "admin"),
    ("admin-route", "/admin/routes/{route_id}", "admin"),
    ("admin-staff", "/admin/staff", "admin"),
    ("admin-staff-new", "/admin/staff/new", "admin"),
    ("admin-staff-member", "/admin/staff/{staff_id}", "admin"),
]
