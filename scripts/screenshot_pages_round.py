"""The pages of the delivery round (returnable containers, cash at the door) for
``make screenshots``: the owner's handover of yesterday's cash, the containers report, and the
dues page with the cash still with the delivery boys."""

from __future__ import annotations

PAGES_ROUND = [
    ("admin-cash-handovers", "/admin/cash-handovers?date={yesterday}", "admin"),
    ("admin-cash-handovers-today", "/admin/cash-handovers?date={today}", "admin"),
    ("admin-containers", "/admin/containers?date={yesterday}", "admin"),
    ("admin-container-types", "/admin/containers/types", "admin"),
]
