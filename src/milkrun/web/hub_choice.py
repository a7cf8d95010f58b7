"""The hub a page shows (``?hub=``): an admin of every hub may narrow a page to one of the hubs
(the board, the reports, the billing month); an admin limited to a hub sees its own and is
offered no choice. A hub that is not among the choices (unknown, inactive, or another's) shows
every hub the admin sees, as if none were chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from milkrun.hubs import queries as hub_queries
from milkrun.hubs.models import Hub
from milkrun.hubs.scope import HubScope
from milkrun.web.pages import PageVisit


@dataclass(frozen=True)
class HubChoice:
    scope: HubScope  # what the page shows
    hubs: Sequence[Hub]  # the hubs to choose from: none for an admin limited to one
    hub_id: int | None  # the hub chosen, None: every hub (or the admin's own)

    @property
    def hub(self) -> str:
        """The choice as the query string writes it ("" for none)."""
        return str(self.hub_id) if self.hub_id is not None else ""

    @property
    def query(self) -> dict[str, str]:
        """The choice to keep in the page's links ({} for none)."""
        return {"hub": self.hub} if self.hub_id is not None else {}


def hub_choice(visit: PageVisit, hub: str) -> HubChoice:
    hubs = [] if visit.scope.is_limited else hub_queries.list_hubs(visit.session, visit.scope)
    hub_id = int(hub) if hub.isdigit() and int(hub) in {h.id for h in hubs} else None
    return HubChoice(visit.scope.narrowed(hub_id), hubs, hub_id)
