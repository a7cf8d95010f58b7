"""The hubs pages (issue #15 points 5 and 6): hubs, holidays, festival offers."""

from __future__ import annotations

PAGES_HUBS: list[tuple[str, str, str]] = [
    ("admin-hubs", "/admin/hubs", "admin"),
    ("admin-holidays", "/admin/holidays", "admin"),
    ("admin-offers", "/admin/offers", "admin"),
]
