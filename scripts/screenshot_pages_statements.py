"""The statement import pages (the demo dairy has one statement imported, a few lines
unmatched)."""

from __future__ import annotations

PAGES_STATEMENTS: list[tuple[str, str, str | None]] = [
    ("admin-statements", "/admin/payments/statements", "admin"),
    ("admin-statements-unmatched", "/admin/payments/statements?status=unmatched", "admin"),
]
