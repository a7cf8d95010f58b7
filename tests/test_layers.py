"""Imports between the people domains point one way: auth at the bottom, routing above it,
customers above routing (STYLE.md: a cycle is a design bug)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import milkrun

PACKAGE = Path(milkrun.__file__).parent
# Each domain may import those before it, never those after it.
ORDER = ["auth", "routing", "customers"]


def _imported_domains(domain: str) -> set[str]:
    found = set()
    for path in (PACKAGE / domain).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "milkrun" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("domain", ORDER)
def test_a_domain_imports_none_above_it(domain: str) -> None:
    above = set(ORDER[ORDER.index(domain) + 1 :])
    assert _imported_domains(domain) & above == set()


def test_the_check_sees_imports() -> None:
    assert {"auth", "routing"} <= _imported_domains("customers")
