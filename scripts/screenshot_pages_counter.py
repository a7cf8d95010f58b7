"""The counter pages ``make screenshots`` photographs (see ``screenshot_pages.py``): today's
counter with its sales, and the cash memo of the demo's second sale (ghee and paneer by UPI;
a fresh database numbers the demo's sales from 1)."""

from __future__ import annotations

PAGES_COUNTER = [
    ("admin-counter", "/admin/counter", "admin"),
    ("admin-counter-memo", "/admin/counter/2", "admin"),
]
