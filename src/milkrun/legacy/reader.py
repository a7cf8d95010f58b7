"""Reading an export: a directory of JSON Lines files, one per collection (``<collection>.jsonl``).

Each line is one document (a JSON object) with a string ``_id``; blank lines are skipped.
Every document is checked here, before anything is written: a malformed one is fatal, and the
error names the file, the line and the field (``ExportError``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import ValidationError

from milkrun.legacy.documents import (
    COLLECTIONS,
    MODELS,
    CustomerDocument,
    DeliveryDocument,
    Document,
    OrderDocument,
    ProductDocument,
    RouteDocument,
    SubscriptionDocument,
    UserDocument,
)
from milkrun.legacy.errors import ExportError, FieldProblem

D = TypeVar("D", bound=Document)


@dataclass(frozen=True)
class Line(Generic[D]):
    """A document and where it was: its file's line number (for messages)."""

    number: int
    doc: D


@dataclass
class Export:
    """The documents of an export, per collection, in file order; ``ignored`` names the files
    of the directory that are no collection the import knows."""

    directory: Path
    products: list[Line[ProductDocument]] = field(default_factory=list)
    users: list[Line[UserDocument]] = field(default_factory=list)
    routes: list[Line[RouteDocument]] = field(default_factory=list)
    customers: list[Line[CustomerDocument]] = field(default_factory=list)
    subscriptions: list[Line[SubscriptionDocument]] = field(default_factory=list)
    orders: list[Line[OrderDocument]] = field(default_factory=list)
    deliveries: list[Line[DeliveryDocument]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def lines(self, collection: str) -> Sequence[Line[Any]]:
        lines: Sequence[Line[Any]] = getattr(self, collection)
        return lines


def file_of(collection: str) -> str:
    return f"{collection}.jsonl"


def _problem_of(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    problem = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    if isinstance(value, str | int | float | Decimal | bool) and first["type"] != "missing":
        shown = repr(value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…")
        if shown not in problem:
            problem = f"{problem} (got {shown})"
    return field, problem


def _parse_line(file: str, number: int, text: str, model: type[D]) -> D:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ExportError(file, number, None, f"not JSON ({exc.msg}, column {exc.colno})") from exc
    except RecursionError as exc:  # thousands of nested [ or {: no document of ours is so deep
        raise ExportError(file, number, None, "not a document: nested too deeply") from exc
    if not isinstance(data, dict):
        raise ExportError(file, number, None, "a document is a JSON object ({...})")
    if "_id" not in data:
        raise ExportError(file, number, "_id", "Field required")
    if not isinstance(data["_id"], str):
        raise ExportError(file, number, "_id", "an _id is a string")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field_name, problem = _problem_of(exc)
        raise ExportError(file, number, field_name, problem) from exc
    except FieldProblem as exc:
        raise ExportError(file, number, exc.field, exc.problem) from exc


Advance = Callable[[int], None]


def _lines(path: Path, file: str) -> Iterator[tuple[int, int, str]]:
    """(line number, bytes, text) of each line that is not blank."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ExportError(file, number, None, "not UTF-8 text") from exc
            if text.strip():
                yield number, len(raw), text
            else:
                yield number, len(raw), ""


def read_collection(path: Path, collection: str, advance: Advance | None = None) -> list[Line[Any]]:
    """Every document of one file, checked; the same ``_id`` twice in a file is malformed."""
    file = path.name
    model = MODELS[collection]
    documents: list[Line[Any]] = []
    seen: dict[str, int] = {}
    for number, size, text in _lines(path, file):
        if advance is not None:
            advance(size)
        if not text:
            continue
        doc = _parse_line(file, number, text, model)
        if doc.id in seen:
            raise ExportError(
                file, number, "_id", f"{doc.id!r} is also the _id on line {seen[doc.id]}"
            )
        seen[doc.id] = number
        documents.append(Line(number, doc))
    return documents


class Progress(Protocol):
    """A progress bar: a step begins (its total: bytes of a file, rows to write), then grows."""

    def begin(self, description: str, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


def read_export(directory: Path, progress: Progress | None = None) -> Export:
    """Read and check every collection file of ``directory``; a missing file is an empty
    collection, a directory with none of them is refused."""
    if not directory.is_dir():
        raise ExportError(str(directory), None, None, "not a directory")
    export = Export(directory=directory)
    found = 0
    for collection in COLLECTIONS:
        path = directory / file_of(collection)
        if not path.is_file():
            continue
        found += 1
        if progress is not None:
            progress.begin(f"reading {path.name}", path.stat().st_size)
        try:
            lines = read_collection(path, collection, progress.advance if progress else None)
        except OSError as exc:
            raise ExportError(path.name, None, None, f"cannot be read ({exc})") from exc
        setattr(export, collection, lines)
    if not found:
        names = ", ".join(file_of(c) for c in COLLECTIONS)
        raise ExportError(str(directory), None, None, f"holds none of {names}")
    known = {file_of(c) for c in COLLECTIONS}
    export.ignored = sorted(
        p.name for p in directory.iterdir() if p.suffix == ".jsonl" and p.name not in known
    )
    return export
