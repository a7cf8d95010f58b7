from __future__ import annotations

from milkrun.errors import Conflict


class LastAdmin(Conflict):
    """The change would leave the dairy without an active admin."""

    code = "last_admin"
    title = "The last admin"
