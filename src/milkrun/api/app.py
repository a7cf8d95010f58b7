"""The /api/v1 router: every domain's routes in one place."""

from __future__ import annotations

from fastapi import APIRouter

from milkrun.api.routes import (
    audit,
    auth,
    customers,
    orders,
    products,
    routes,
    subscriptions,
    users,
)

API_PREFIX = "/api/v1"


def build_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in (auth, users, customers, products, routes, audit):
        router.include_router(module.router)
    for domain in (subscriptions, orders):
        router.include_router(domain.router)
        router.include_router(domain.me_router)
    return router
