"""The stop-order page for ``make screenshots`` (issue 15, point 4): the suggested order of the
demo's first route. (The route page and the route day, which show the locations to approve and
each mark's distance from the door, are listed already by the catalog's and the main list.)"""

from __future__ import annotations

PAGES_STOP_ORDER: list[tuple[str, str, str | None]] = [
    ("admin-stop-order", "/admin/routes/{route_id}/stops/suggestion", "admin"),
]
