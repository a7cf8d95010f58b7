"""Importing the reference data: products and their prices, logins, routes, customers, and the
repair of customer logins (which customer each belongs to)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, cast

import argon2
from argon2.exceptions import InvalidHashError
from sqlalchemy import Table, func, select

from milkrun.auth.models import Role, User
from milkrun.catalog.models import Product, ProductPrice
from milkrun.catalog.service import tax_rate_bps
from milkrun.customers.models import Customer
from milkrun.legacy.documents import UserDocument
from milkrun.legacy.errors import ExportError
from milkrun.legacy.matching import CustomerDirectory
from milkrun.legacy.reader import Line, file_of
from milkrun.legacy.store import Run
from milkrun.money import to_paise
from milkrun.routing.models import Route

PRODUCTS = cast(Table, Product.__table__)
PRICES = cast(Table, ProductPrice.__table__)
USERS = cast(Table, User.__table__)
ROUTES = cast(Table, Route.__table__)
CUSTOMERS = cast(Table, Customer.__table__)

# What a login without a usable password stores: not an argon2 hash, so that verifying any
# password against it fails (argon2 raises InvalidHashError, ``passwords.verify_password`` says
# no) until an admin sets a password. Passwords are never invented.
NO_PASSWORD = "!"  # noqa: S105  (the absence of a password)


def usable_hash(value: str | None) -> str | None:
    """The old system's hash when it is an argon2id hash milkrun can verify, else None."""
    if not value:
        return None
    try:
        parameters = argon2.extract_parameters(value)
    except InvalidHashError:
        return None
    return value if parameters.type is argon2.Type.ID else None


def refuse_duplicates(
    collection: str, lines: Sequence[Line[Any]], field: str, key: Callable[[Any], str]
) -> None:
    """Two documents with the same identity (a SKU, a route name) are a malformed export."""
    seen: dict[str, int] = {}
    for line in lines:
        value = key(line.doc)
        if value in seen:
            raise ExportError(
                file_of(collection),
                line.number,
                field,
                f"{value!r} is also the {field} on line {seen[value]}",
            )
        seen[value] = line.number


# --- products ----------------------------------------------------------------------------------


def import_products(run: Run) -> None:
    """New products with their price lists. A SKU the database has is that product; its price
    list gains only the old prices dated before its first price, so that no price already in
    force on any date changes."""
    lines = run.export.products
    refuse_duplicates("products", lines, "sku", lambda doc: doc.sku)
    new = run.not_yet_imported("products", lines)
    existing = dict(
        run.select_in(select(Product.sku, Product.id), Product.sku, [n.doc.sku for n in new])
    )
    adopted = [(line.doc.id, existing[line.doc.sku]) for line in new if line.doc.sku in existing]
    created = [line for line in new if line.doc.sku not in existing]
    ids = run.insert_returning_ids(
        PRODUCTS,
        [
            {
                "sku": line.doc.sku,
                "name": line.doc.name,
                "unit": line.doc.unit,
                "tax_rate_bps": tax_rate_bps(line.doc.tax_rate),
                "is_active": line.doc.active,
            }
            for line in created
        ],
        "writing products",
    )
    run.remember("products", [*adopted, *zip((line.doc.id for line in created), ids, strict=True)])
    counts = run.report.counts("products")
    counts.existing += len(adopted)
    counts.created += len(created)

    product_of = run.known("products", [line.doc.id for line in lines])
    fresh = set(ids)
    earliest: dict[int, dt.date] = dict(
        run.select_in(
            select(ProductPrice.product_id, func.min(ProductPrice.effective_from)).group_by(
                ProductPrice.product_id
            ),
            ProductPrice.product_id,
            [product_of[line.doc.id] for line in lines if product_of[line.doc.id] not in fresh],
        )
    )
    prices = []
    for line in lines:
        product_id = product_of[line.doc.id]
        first = earliest.get(product_id)
        for effective_from, price in line.doc.price_list():
            if product_id in fresh or first is None or effective_from < first:
                prices.append(
                    {
                        "product_id": product_id,
                        "price_paise": to_paise(price),
                        "effective_from": effective_from,
                    }
                )
    run.insert(PRICES, prices)


# --- logins ------------------------------------------------------------------------------------


def _usernames(run: Run, lines: Sequence[Line[UserDocument]]) -> dict[str, tuple[int, str]]:
    """The logins the database has with any of these phones or emails: username -> (id, role)."""
    found: dict[str, tuple[int, str]] = {}
    statement = select(User.id, User.role, User.phone, User.email)
    phones = [line.doc.phone for line in lines if line.doc.phone]
    emails = [line.doc.email for line in lines if line.doc.email]
    for row in run.select_in(statement, User.phone, phones) + run.select_in(
        statement, User.email, emails
    ):
        for username in (row.phone, row.email):
            if username:
                found[username] = (row.id, row.role)
    return found


def import_users(
    run: Run, lines: Sequence[Line[UserDocument]], directory: CustomerDirectory | None
) -> None:
    """New logins. A username (phone or email) the database has is that login when the role is
    the same, else the document is skipped; two documents with one username: the first wins.
    Customer logins are linked by ``directory`` (see ``matching``): unlinked ones are disabled.
    A login without a usable argon2id hash gets no password."""
    new = run.not_yet_imported("users", lines)
    counts = run.report.counts("users")
    repairs = run.report.repairs
    taken = _usernames(run, new)
    # Logins an import made: another document with their username is a duplicate, not them.
    imported = run.imported("users", {login_id for login_id, _ in taken.values()})
    claimed: dict[str, str] = {}
    adopted: list[tuple[str, int]] = []
    created: list[Line[UserDocument]] = []
    rows: list[dict[str, Any]] = []
    for line in new:
        doc = line.doc
        usernames = [u for u in (doc.phone, doc.email) if u]
        holders = {taken[u] for u in usernames if u in taken}
        twins = [claimed[u] for u in usernames if u in claimed]
        if twins:
            counts.skipped += 1
            run.report.notice(
                "users", doc.id, "duplicate_username", f"same phone or email as {twins[0]}"
            )
            continue
        if holders:
            (holder_id, role), *more = sorted(holders)
            if not more and role == doc.role and holder_id not in imported:
                adopted.append((doc.id, holder_id))
                claimed.update(dict.fromkeys(usernames, doc.id))
                continue
            counts.skipped += 1
            run.report.notice(
                "users",
                doc.id,
                "duplicate_username" if holder_id in imported else "username_taken",
                f"its phone or email belongs to login #{holder_id} ({role})",
            )
            continue
        claimed.update(dict.fromkeys(usernames, doc.id))
        customer_id = None
        is_active = doc.active
        if directory is not None:
            link = directory.link(doc.phone, doc.email)
            customer_id = link.customer_id
            if customer_id is None:
                is_active = False
                repairs.logins_unlinked.append(doc.id)
                run.report.notice(
                    "users",
                    doc.id,
                    link.code or "unlinked",
                    f"customer login left unlinked and disabled: {link.detail}",
                )
            else:
                repairs.logins_linked += 1
        password_hash = usable_hash(doc.password_hash)
        if password_hash is None:
            repairs.logins_without_password.append(doc.id)
            run.report.notice(
                "users",
                doc.id,
                "no_password",
                "no usable argon2id password hash: it cannot log in until an admin sets one",
            )
        created.append(line)
        rows.append(
            {
                "role": doc.role.value,
                "name": doc.name,
                "phone": doc.phone,
                "email": doc.email,
                "password_hash": password_hash or NO_PASSWORD,
                "customer_id": customer_id,
                "is_active": is_active,
            }
        )
    ids = run.insert_returning_ids(USERS, rows, "writing logins")
    run.remember("users", [*adopted, *zip((line.doc.id for line in created), ids, strict=True)])
    counts.existing += len(adopted)
    counts.created += len(created)


def import_staff(run: Run) -> None:
    import_users(run, [line for line in run.export.users if line.doc.role != Role.customer], None)


def import_customer_logins(run: Run) -> None:
    """Customer logins, each linked to the one customer with its phone or email."""
    lines = [line for line in run.export.users if line.doc.role == Role.customer]
    phones = {line.doc.phone for line in lines if line.doc.phone}
    emails = {line.doc.email for line in lines if line.doc.email}
    statement = select(Customer.id, Customer.phone, Customer.email)
    customers = {
        row.id: (row.id, row.phone, row.email)
        for row in run.select_in(statement, Customer.phone, phones)
        + run.select_in(statement, func.lower(Customer.email), emails)
    }
    with_login = run.select_in(select(User.customer_id), User.customer_id, customers)
    directory = CustomerDirectory(customers.values(), [row.customer_id for row in with_login])
    import_users(run, lines, directory)


# --- routes ------------------------------------------------------------------------------------


def import_routes(run: Run) -> None:
    """New routes; a route name the database has is that route. The delivery boy is the active
    delivery boy login with the document's phone, else none (reported)."""
    lines = run.export.routes
    refuse_duplicates("routes", lines, "name", lambda doc: doc.name)
    new = run.not_yet_imported("routes", lines)
    existing = dict(
        run.select_in(select(Route.name, Route.id), Route.name, [n.doc.name for n in new])
    )
    adopted = [(line.doc.id, existing[line.doc.name]) for line in new if line.doc.name in existing]
    created = [line for line in new if line.doc.name not in existing]
    boys = dict(
        run.select_in(
            select(User.phone, User.id).where(User.role == Role.delivery_boy, User.is_active),
            User.phone,
            [line.doc.delivery_boy for line in created if line.doc.delivery_boy],
        )
    )
    rows = []
    for line in created:
        doc = line.doc
        boy = boys.get(doc.delivery_boy) if doc.delivery_boy else None
        if doc.delivery_boy and boy is None:
            run.report.notice(
                "routes",
                doc.id,
                "unknown_delivery_boy",
                f"no active delivery boy login has the phone {doc.delivery_boy}: "
                "imported without a delivery boy",
            )
        rows.append(
            {
                "name": doc.name,
                "area": doc.area,
                "shift": doc.shift.value,
                "delivery_boy_id": boy,
                "is_active": doc.active,
            }
        )
    ids = run.insert_returning_ids(ROUTES, rows, "writing routes")
    run.remember("routes", [*adopted, *zip((line.doc.id for line in created), ids, strict=True)])
    counts = run.report.counts("routes")
    counts.existing += len(adopted)
    counts.created += len(created)


# --- customers ---------------------------------------------------------------------------------


def _route_ids(run: Run, lines: Sequence[Line[Any]]) -> dict[str, int]:
    """Each route reference (a route's ``_id`` or its name) -> route id; unknown is fatal."""
    refs = {line.doc.route for line in lines if line.doc.route}
    found = {ref: i for ref, i in run.known("routes", refs).items() if ref in refs}
    by_name = dict(run.select_in(select(Route.name, Route.id), Route.name, refs - set(found)))
    found.update(by_name)
    for line in lines:
        if line.doc.route and line.doc.route not in found:
            raise ExportError(
                file_of("customers"),
                line.number,
                "route",
                f"no route has the _id or name {line.doc.route!r}",
            )
    return found


def import_customers(run: Run) -> None:
    """New customers on their routes. A phone is unique among active customers: a customer whose
    phone an active customer has already (in the database, or earlier in the file) is imported
    inactive, and reported."""
    new = run.not_yet_imported("customers", run.export.customers)
    routes = _route_ids(run, new)
    active_phones = {
        row.phone
        for row in run.select_in(
            select(Customer.phone).where(Customer.is_active),
            Customer.phone,
            [line.doc.phone for line in new],
        )
    }
    rows = []
    for line in new:
        doc = line.doc
        is_active = doc.active
        if is_active and doc.phone in active_phones:
            is_active = False
            run.report.notice(
                "customers",
                doc.id,
                "phone_taken",
                f"another active customer has the phone {doc.phone}: imported inactive",
            )
        elif is_active:
            active_phones.add(doc.phone)
        rows.append(
            {
                "name": doc.name,
                "phone": doc.phone,
                "email": doc.email,
                "address": doc.address,
                "area": doc.area,
                "route_id": routes[doc.route] if doc.route else None,
                "stop_sequence": doc.stop,
                "is_active": is_active,
            }
        )
    ids = run.insert_returning_ids(CUSTOMERS, rows, "writing customers")
    run.remember("customers", list(zip((line.doc.id for line in new), ids, strict=True)))
    run.report.counts("customers").created += len(new)
