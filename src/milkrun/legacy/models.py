"""Provenance of imported records: which row each document of the old system became."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milkrun import clock
from milkrun.db.base import Base


class LegacyRecord(Base):
    """One document of the old export (``collection``, its ``_id``) and the row it became.

    ``record_id`` names a row of the collection's table (products, routes, users, customers,
    subscriptions, orders, delivery_statuses); it has no foreign key because the table depends
    on the collection. A document is imported at most once: UNIQUE(collection, legacy_id).
    """

    __tablename__ = "legacy_records"
    __table_args__ = (
        UniqueConstraint("collection", "legacy_id"),
        Index("ix_legacy_records_collection_record_id", "collection", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection: Mapped[str] = mapped_column(String(40))
    legacy_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int]
    imported_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
