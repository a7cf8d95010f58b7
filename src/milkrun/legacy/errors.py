"""The import's errors: a malformed export is refused, naming the file, the line and the field."""

from __future__ import annotations

from milkrun.errors import InvalidInput


class ExportError(InvalidInput):
    """A malformed export: the file, the line (when known) and the field (when known)."""

    code = "legacy_export_invalid"

    def __init__(self, file: str, line: int | None, field: str | None, problem: str) -> None:
        where = file + (f" line {line}" if line is not None else "")
        where += f", field {field!r}" if field else ""
        super().__init__(f"{where}: {problem}")
        self.file, self.line, self.field, self.problem = file, line, field, problem


class FieldProblem(Exception):
    """A check across fields: raised inside a model validator, it names its field and escapes
    pydantic (which wraps only ValueError), so the reader can say file, line and field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field, self.problem = field, problem
