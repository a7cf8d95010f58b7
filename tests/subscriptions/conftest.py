from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from milkrun.config import Settings
from tests.order_book import Dairy, make_dairy


@pytest.fixture
def dairy(session: Session, settings: Settings) -> Dairy:
    return make_dairy(session, settings)
