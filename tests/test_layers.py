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
# The HTTP plumbing below the API and the pages, above the domains (it may use Starlette).
PLUMBING = {"http"}
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


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - ABOVE_THE_DOMAINS - PLUMBING))
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
    assert GRAPH["notify"] <= {"db", "inputs", "audit", "customers", "auth", "routing"}
    assert {"billing", "payments", "orders", "deliveries", "links"} <= {
        package for package, imported in GRAPH.items() if "notify" in imported
    }


def test_the_check_sees_imports() -> None:
    assert {"auth", "routing"} <= GRAPH["customers"]
    assert "subscriptions" in GRAPH["orders"]
    assert {"orders", "deliveries"} <= GRAPH["billing"]


# --- modules --------------------------------------------------------------------------------------

MODULES = {
    ".".join(("milkrun", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
        ".__init__"
    ): path
    for path in PACKAGE.rglob("*.py")
    if "migrations" not in path.parts
}


def _imported_modules(module: str) -> set[str]:
    """The milkrun modules ``module`` imports, anywhere in it (a deferred import is still one)."""
    found = set()
    path = MODULES[module]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            candidates = [f"{node.module}.{a.name}" for a in node.names]
            found |= {c for c in candidates if c in MODULES}
            if not any(c in MODULES for c in candidates):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {name for name in found if name in MODULES and name != module}


MODULE_GRAPH = {module: _imported_modules(module) for module in MODULES}


def test_the_modules_form_no_cycle() -> None:
    """No circle of imports anywhere, inside a layer included (the web pages once were an
    8-file circle through web/app.py)."""
    try:
        list(graphlib.TopologicalSorter(MODULE_GRAPH).static_order())
    except graphlib.CycleError as cycle:
        pytest.fail(f"modules import each other in a cycle: {' -> '.join(cycle.args[1])}")


def test_the_pages_never_import_the_api() -> None:
    """What the API and the pages both need lives below both (milkrun.http.deps, milkrun.http, the
    domains), so neither layer can change the other by accident."""
    for module, imported in MODULE_GRAPH.items():
        if module.startswith("milkrun.web"):
            assert not {m for m in imported if m.startswith("milkrun.api")}, module
        if module.startswith("milkrun.api"):
            assert not {m for m in imported if m.startswith("milkrun.web")}, module


def test_the_module_check_sees_imports() -> None:
    assert "milkrun.web.pages" in MODULE_GRAPH["milkrun.web.routes.admin_board"]
    assert "milkrun.deliveries.manifest" in MODULE_GRAPH["milkrun.web.routes.delivery"]


def _modules(*packages: str) -> list[tuple[str, ast.Module]]:
    roots = [PACKAGE / p for p in packages] if packages else [PACKAGE]
    return [
        (str(path.relative_to(PACKAGE)), ast.parse(path.read_text(), filename=str(path)))
        for root in roots
        for path in sorted(root.rglob("*.py"))
    ]


@pytest.mark.parametrize("layer", sorted(ABOVE_THE_DOMAINS - {"demo"}))
def test_a_delivery_layer_builds_no_sql(layer: str) -> None:
    """api, web and cli parse, call the domain and render: the reads are the domains' queries
    (a session to pass on and the database's errors to answer are all they take from SQLAlchemy)."""
    allowed = {"sqlalchemy.orm": {"Session"}, "sqlalchemy.exc": None}
    found = []
    for path, tree in _modules(layer):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                names = allowed.get(node.module or "", set())
                if names is not None and not {a.name for a in node.names} <= names:
                    found.append(f"{path}: from {node.module} import ...")
            elif isinstance(node, ast.Import) and any(
                a.name.startswith("sqlalchemy") for a in node.names
            ):
                found.append(f"{path}: import sqlalchemy")
    assert found == []


def test_only_the_order_book_calls_the_unsynced_halves_of_a_change() -> None:
    """A subscription, pause or override change is whole only with its orders re-synced and its
    audit event written (``orders.changes``); the subscription side alone is ``*_unsynced``."""
    callers = {
        path
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.endswith("_unsynced")
    }
    assert callers == {"orders/changes.py"}


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - ABOVE_THE_DOMAINS - PLUMBING))
def test_a_domain_imports_no_http_plumbing(package: str) -> None:
    assert GRAPH[package] & PLUMBING == set()


def test_the_package_root_shows_the_business() -> None:
    """Plumbing lives in packages (http, db, inputs); the root keeps the app, its settings and
    errors, and the business's own small rules (clock, cut-off, money, phones, the date window)."""
    root = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert root == [
        "app",
        "clock",
        "config",
        "cutoff",
        "date_window",
        "errors",
        "models",
        "money",
        "phones",
    ]


def test_no_page_cuts_a_list_at_a_number_of_its_own() -> None:
    """A page's list is a page of the domain's query (its size a named constant, with a count or
    a next link) or all of a form's choices; never silently the first 100 or 500."""
    cut = []
    for path, tree in _modules("web"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "limit" and isinstance(keyword.value, ast.Constant):
                        cut.append(f"{path}:{node.lineno}")
    assert cut == []
