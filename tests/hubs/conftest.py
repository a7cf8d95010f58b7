from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from milkrun.config import Settings
from tests.hubs.two_hubs import TwoHubs, make_two_hubs


@pytest.fixture
def hubs(session: Session, settings: Settings) -> TwoHubs:
    return make_two_hubs(session, settings)
