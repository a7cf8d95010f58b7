"""The /api/v1 router: every domain's routes in one place."""

from __future__ import annotations

from fastapi import APIRouter

from milkrun.api.routes import (
    audit,
    auth,
    bill_links,
    billing,
    cash,
    containers,
    counter_sales,
    customers,
    day_closes,
    deliveries,
    hubs,
    invoices,
    notify,
    orders,
    payment_links,
    payment_statements,
    payments,
    products,
    routes,
    shared_delivery_links,
    subscriptions,
    users,
    wallets,
)

API_PREFIX = "/api/v1"


def build_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    # The delivery day first: routes are matched in order, and marking is the busiest path.
    router.include_router(deliveries.router)
    router.include_router(containers.router)
    router.include_router(cash.router)
    router.include_router(counter_sales.router)
    router.include_router(shared_delivery_links.router)
    router.include_router(shared_delivery_links.holder)
    for module in (auth, users, customers, products, routes, audit):
        router.include_router(module.router)
    for domain in (subscriptions, orders):
        router.include_router(domain.router)
        router.include_router(domain.me_router)
    router.include_router(day_closes.router)
    router.include_router(billing.router)
    router.include_router(invoices.router)
    router.include_router(bill_links.router)
    router.include_router(invoices.me_router)
    router.include_router(payment_links.router)
    router.include_router(payments.router)
    router.include_router(wallets.router)
    router.include_router(payment_statements.router)
    router.include_router(hubs.router)
    router.include_router(notify.router)
    router.include_router(notify.webhook)
    router.include_router(payment_links.webhook)
    return router
