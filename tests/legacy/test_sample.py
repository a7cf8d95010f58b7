"""The sample export in tests/legacy/data (docs/legacy-import.md): a week of October 2026 from
the old system of a small dairy, with the mess it kept, imported and repaired."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.legacy.conftest import RunImport
from tests.legacy.export import DATA


def test_the_sample_export(session: Session, run_import: RunImport) -> None:
    report = run_import(DATA)

    assert {
        c.collection: (c.read, c.created, c.already_imported, c.existing, c.skipped)
        for c in report.collections
    } == {
        "products": (3, 3, 0, 0, 0),
        "users": (7, 6, 0, 0, 1),  # a second sign-up with Asha's phone
        "routes": (2, 2, 0, 0, 0),
        "customers": (5, 5, 0, 0, 0),
        "subscriptions": (4, 4, 0, 0, 0),
        "orders": (19, 19, 0, 0, 0),
        "deliveries": (20, 16, 0, 0, 4),
    }
    assert report.repairs.model_dump() == {
        "orders_linked": 15,
        "orders_one_time": 4,  # bread; a day off the alternate rhythm; a paused day; a double
        "orders_one_time_taken": ["o-0004"],  # 3 October made twice by the old system
        "overrides_created": 1,  # 3 pouches on 2 October
        "confirmations_linked": 16,
        "confirmations_unmatched": ["d-0019"],  # a day with no order
        "confirmations_ambiguous": ["d-0003"],  # which of the two orders of 3 October?
        "confirmations_rejected": ["d-0013", "d-0020"],  # sent twice; 2 of 1 ordered
        "logins_linked": 2,  # Asha by phone, Ravi by email
        "logins_unlinked": ["u-0006"],  # no customer has Lakshmi's phone
        "logins_without_password": ["u-0003", "u-0005"],  # a bcrypt hash; none
    }
    assert report.ignored_files == []


def test_old_passwords_still_work_and_nothing_else_does(
    run_import: RunImport, client: TestClient
) -> None:
    run_import(DATA)

    def login(username: str, password: str) -> int:
        body = {"username": username, "password": password}
        status: int = client.post("/api/v1/auth/login", json=body).status_code
        return status

    assert login("owner@nandini.example", "old-admin-pass-2025") == 200
    assert login("9845010001", "asha-old-pass") == 200  # linked to Asha
    assert login("9845019999", "lakshmi-old-pass") == 401  # unlinked: disabled
    for guess in ("!", "password", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"):
        assert login("9000020002", guess) == 401  # no password until an admin sets one
