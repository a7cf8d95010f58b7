"""Imports between milkrun's packages point one way (STYLE.md: a cycle is a design bug): the
packages form no cycle, the domains never import the delivery layers (api, web, cli) or the
demo, and the people domains stand in their order (auth, then routing, then customers)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

import milkrun

PACKAGE = Path(milkrun.__file__).parent
PACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
ABOVE_THE_DOMAINS = {"api", "web", "cli", "demo"}
PEOPLE = ["auth", "routing", "customers"]


def _imported_packages(package: str) -> set[str]:
    found = set()
    for path in (PACKAGE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "milkrun" and len(parts) > 1 and parts[1] in PACKAGES:
                    found.add(parts[1])
    return found - {package}


GRAPH = {package: _imported_packages(package) for package in PACKAGES}


def test_the_packages_form_no_cycle() -> None:
    try:
        list(graphlib.TopologicalSorter(GRAPH).static_order())
    except graphlib.CycleError as cycle:
        pytest.fail(f"packages import each other in a cycle: {' -> '.join(cycle.args[1])}")


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - ABOVE_THE_DOMAINS))
def test_a_domain_imports_no_delivery_layer(package: str) -> None:
    assert GRAPH[package] & ABOVE_THE_DOMAINS == set()


@pytest.mark.parametrize("domain", PEOPLE)
def test_a_people_domain_imports_none_above_it(domain: str) -> None:
    above = set(PEOPLE[PEOPLE.index(domain) + 1 :])
    assert GRAPH[domain] & above == set()


# Jinja2 renders pages; a domain may use it only for the message sandbox (notify/rendering.py:
# a message is a text, not a page, and its templates are data rendered where they can do no harm).
JINJA2_ALLOWED = {PACKAGE / "notify" / "rendering.py"}


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - ABOVE_THE_DOMAINS))
def test_a_domain_imports_no_web_framework(package: str) -> None:
    for path in (PACKAGE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                roots = {node.module.split(".")[0]}
            elif isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            else:
                continue
            assert not roots & {"fastapi", "starlette", "typer"}, path
            if "jinja2" in roots:
                assert path in JINJA2_ALLOWED, path


def test_notify_sits_below_the_domains_that_cause_messages() -> None:
    """Business domains call notify; notify reads only the audit trail and the people it
    writes to."""
    assert GRAPH["notify"] <= {"db", "audit", "customers", "auth", "routing"}
    assert {"billing", "payments", "orders", "deliveries", "links"} <= {
        package for package, imported in GRAPH.items() if "notify" in imported
    }


def test_the_check_sees_imports() -> None:
    assert {"auth", "routing"} <= GRAPH["customers"]
    assert "subscriptions" in GRAPH["orders"]
    assert {"orders", "deliveries"} <= GRAPH["billing"]
