"""Error codes are typed once (STYLE.md): each code belongs to one error class in its domain's
errors.py, no raise site types a code string, the API documents every code from the classes,
and "another customer's record is 404" is one rule whichever route asks."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

import milkrun
from milkrun.api.app import API_PREFIX
from milkrun.api.problems import HANDLER_CODES
from milkrun.errors import MilkrunError, NamedInBody, NotFound, catalogue
from tests import factories
from tests.factories import Login

PACKAGE = Path(milkrun.__file__).parent
KINDS = catalogue()


def test_each_code_belongs_to_one_class() -> None:
    owners: dict[str, list[type[MilkrunError]]] = defaultdict(list)
    for kind in KINDS:
        if not issubclass(kind, NamedInBody):
            owners[kind.code].append(kind)
    shared = {code: kinds for code, kinds in owners.items() if len(kinds) > 1}
    assert shared == {}


def test_a_record_named_in_a_body_shares_the_code_of_its_not_found() -> None:
    not_found = {kind.code for kind in KINDS if issubclass(kind, NotFound)}
    twins = [kind for kind in KINDS if issubclass(kind, NamedInBody) and kind is not NamedInBody]
    assert {kind.code for kind in twins} == {
        "container_type_not_found",
        "customer_not_found",
        "hub_not_found",
        "order_not_found",
        "product_not_found",
        "route_not_found",
    }
    for kind in twins:
        assert kind.code in not_found
        assert kind.status == 400


def test_the_domains_declare_their_errors_in_errors_py() -> None:
    """A package with an errors.py declares its errors there (root modules such as money and
    cutoff, and plumbing packages without one, declare theirs beside the rule)."""
    for kind in KINDS:
        module = kind.__module__.split(".")
        if len(module) > 2 and (PACKAGE / module[1] / "errors.py").exists():
            assert module[-1] == "errors", f"{kind.__name__} is declared in {kind.__module__}"


def _error_calls() -> list[tuple[str, int, ast.Call]]:
    names = {kind.__name__ for kind in KINDS}
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                if name in names:
                    found.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return found


def test_no_raise_site_types_a_code() -> None:
    calls = _error_calls()
    assert len(calls) > 100  # the check sees the raise sites
    typed = [
        f"{path}:{line}"
        for path, line, call in calls
        if any(k.arg == "code" for k in call.keywords)
    ]
    assert typed == []


def test_customer_not_found_is_raised_by_its_class_in_the_customers_domain_only() -> None:
    raisers = {
        path
        for path, _line, call in _error_calls()
        if isinstance(call.func, ast.Name) and call.func.id == "CustomerNotFound"
    }
    # The ownership rule, the customer lookup, and the payments' row lock of a customer.
    assert raisers == {"customers/ownership.py", "customers/queries.py", "payments/service.py"}


def test_the_api_documents_every_code_once(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    table = schema["components"]["schemas"]["Problem"]["description"]
    documented = re.findall(r"^\| `([a-z_]+)` \| ([\d, ]+) \|", table, re.M)
    codes = [code for code, _statuses in documented]
    assert len(codes) == len(set(codes))
    api_kinds = [
        k for k in KINDS if not k.__module__.startswith(("milkrun.web.", "milkrun.legacy."))
    ]
    assert set(codes) == {k.code for k in api_kinds} | set(HANDLER_CODES)
    statuses = dict(documented)
    assert statuses["customer_not_found"] == "404, 400"
    assert statuses["link_revoked"] == "410"
    assert statuses["idempotency_key_reused"] == "422"


@pytest.fixture
def neighbour(session: Session) -> int:
    user = factories.customer_user(session, name="Ravi Kumar")
    assert user.customer_id is not None
    return user.customer_id


def test_another_customers_records_are_404_on_every_route(
    client: TestClient, customer: Login, neighbour: int
) -> None:
    tried = [
        client.get(f"{API_PREFIX}/customers/{neighbour}", headers=customer.headers),
        client.get(f"{API_PREFIX}/invoices?customer_id={neighbour}", headers=customer.headers),
        client.post(
            f"{API_PREFIX}/orders",
            json={
                "customer_id": neighbour,
                "product_id": 1,
                "quantity": 1,
                "delivery_date": "2030-01-01",
            },
            headers=customer.headers,
        ),
    ]
    for response in tried:
        assert (response.status_code, response.json()["code"]) == (404, "customer_not_found")
        assert response.json()["detail"] == f"There is no customer {neighbour}"
