"""Writing small exports of the old system for tests: one builder call per document, with the
defaults of a tiny dairy (toned milk TM500 at ₹28, October 2026)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


class Export:
    def __init__(self) -> None:
        self.docs: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, collection: str, **doc: Any) -> Export:
        self.docs[collection].append({k: v for k, v in doc.items() if v is not None})
        return self

    def product(self, _id: str = "p-milk", sku: str = "TM500", **kw: Any) -> Export:
        doc = {"name": "Toned milk", "unit": "500 ml pouch", "price": "28.00", **kw}
        return self.add("products", _id=_id, sku=sku, **doc)

    def user(self, _id: str, role: str = "customer", **kw: Any) -> Export:
        return self.add("users", _id=_id, role=role, name=kw.pop("name", f"User {_id}"), **kw)

    def route(self, _id: str, name: str, shift: str = "morning", **kw: Any) -> Export:
        return self.add("routes", _id=_id, name=name, area="Indiranagar", shift=shift, **kw)

    def customer(self, _id: str, phone: str, **kw: Any) -> Export:
        doc = {"name": f"Customer {_id}", "address": "12 MG Road", "area": "Indiranagar", **kw}
        return self.add("customers", _id=_id, phone=phone, **doc)

    def subscription(
        self,
        _id: str,
        customer: str,
        frequency: str = "daily",
        start_date: str = "2026-10-01",
        product: str = "TM500",
        **kw: Any,
    ) -> Export:
        if frequency != "weekly":
            kw.setdefault("quantity", 1)
        return self.add(
            "subscriptions",
            _id=_id,
            customer=customer,
            product=product,
            frequency=frequency,
            start_date=start_date,
            **kw,
        )

    def order(
        self, _id: str, customer: str, date: str, product: str = "TM500", quantity: int = 1,
        **kw: Any,
    ) -> Export:  # fmt: skip
        return self.add(
            "orders", _id=_id, customer=customer, product=product, date=date, quantity=quantity,
            **kw,
        )  # fmt: skip

    def delivery(
        self, _id: str, customer: str, date: str, status: str = "delivered",
        product: str = "TM500", **kw: Any,
    ) -> Export:  # fmt: skip
        return self.add(
            "deliveries", _id=_id, customer=customer, product=product, date=date, status=status,
            **kw,
        )  # fmt: skip

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for collection, docs in self.docs.items():
            lines = (json.dumps(doc) + "\n" for doc in docs)
            (directory / f"{collection}.jsonl").write_text("".join(lines))
        return directory


def dairy() -> Export:
    """Toned milk, one morning route, two customers (c-1, c-2)."""
    return (
        Export()
        .product()
        .route("r-1", "Indiranagar Morning")
        .customer("c-1", "98450 10001", route="r-1")
        .customer("c-2", "98450 10002", route="r-1")
    )
