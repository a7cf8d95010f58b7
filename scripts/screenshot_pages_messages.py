"""The owner's message pages for ``make screenshots``: the outbox and the templates, and a
customer's page scrolled to its message preferences."""

from __future__ import annotations

PAGES_MESSAGES = [
    ("admin-messages", "/admin/messages", "admin"),
    ("admin-message-templates", "/admin/messages/templates", "admin"),
    ("admin-customer-messages", "/admin/customers/{customer_id}#messages", "admin"),
]
