"""What an import did: counts per collection, the links it repaired, and what it reported.

The service returns an ``ImportReport``; the command prints it; a dry run returns the same
report for changes it then rolls back.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class CollectionCounts(BaseModel):
    """The documents of one collection: ``read`` = ``created`` + ``already_imported`` +
    ``existing`` + ``skipped``."""

    collection: str
    read: int = 0
    created: int = 0
    already_imported: int = Field(0, description="imported by an earlier run: left as it is")
    existing: int = Field(
        0, description="the database already had it (same SKU, route name or username)"
    )
    skipped: int = Field(0, description="not imported; see the notices")


class Notice(BaseModel):
    """A document the import changed or left out, and why (``code`` is stable)."""

    collection: str
    legacy_id: str
    code: str
    detail: str


class Repairs(BaseModel):
    """The links the old system did not keep, and how each was repaired (ids are ``_id``\\ s)."""

    orders_linked: int = Field(0, description="orders linked to the subscription due that day")
    orders_one_time: int = Field(0, description="orders no subscription explains: one-time")
    orders_one_time_taken: list[str] = Field(
        default_factory=list,
        description="orders a subscription explains but whose date it already has an order for",
    )
    overrides_created: int = Field(
        0, description="linked orders of another quantity than the schedule: a day change"
    )
    confirmations_linked: int = 0
    confirmations_unmatched: list[str] = Field(
        default_factory=list, description="no imported order of that customer, product, date"
    )
    confirmations_ambiguous: list[str] = Field(
        default_factory=list,
        description="several orders fit, or several confirmations disagree about one order",
    )
    confirmations_rejected: list[str] = Field(
        default_factory=list,
        description="the order is marked already, or the confirmation breaks the marking rules",
    )
    logins_linked: int = 0
    logins_unlinked: list[str] = Field(
        default_factory=list, description="no customer, or several, has the login's phone/email"
    )
    logins_without_password: list[str] = Field(
        default_factory=list, description="no usable argon2id hash: an admin sets a password"
    )


class ImportReport(BaseModel):
    directory: str
    dry_run: bool
    collections: list[CollectionCounts]
    repairs: Repairs = Field(default_factory=Repairs)
    notices: list[Notice] = Field(default_factory=list)
    ignored_files: list[str] = Field(default_factory=list)

    def counts(self, collection: str) -> CollectionCounts:
        for counts in self.collections:
            if counts.collection == collection:
                return counts
        raise KeyError(collection)

    def notice(self, collection: str, legacy_id: str, code: str, detail: str) -> None:
        self.notices.append(
            Notice(collection=collection, legacy_id=legacy_id, code=code, detail=detail)
        )

    @property
    def created(self) -> int:
        return sum(counts.created + counts.existing for counts in self.collections)

    @property
    def nothing_new(self) -> bool:
        """Nothing of the export was new: importing it (again) changes nothing."""
        return self.created == 0

    def summary(self) -> dict[str, object]:
        """The counts, for the audit trail (the lists of ids are counted, not copied)."""
        repairs = {
            key: len(value) if isinstance(value, list) else value
            for key, value in self.repairs.model_dump().items()
        }
        return {
            "directory": self.directory,
            "collections": {
                c.collection: c.model_dump(exclude={"collection"}) for c in self.collections
            },
            "repairs": repairs,
            "notices": len(self.notices),
        }
