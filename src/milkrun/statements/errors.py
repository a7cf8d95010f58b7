"""The refusals of importing and settling statement credits, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class MalformedStatement(InvalidInput):
    """The file cannot be read with the mapping: the message names the row and the column."""

    code = "malformed_statement"


class UnknownMapping(InvalidInput):
    """No preset and no saved mapping has this name."""

    code = "unknown_mapping"


class MappingExists(Conflict):
    """A mapping (preset or saved) already has this name."""

    code = "mapping_exists"


class StatementLineNotFound(NotFound):
    """No statement line with this id."""

    code = "statement_line_not_found"


class LineAlreadyDecided(Conflict):
    """The line was confirmed or ignored already (perhaps by someone else a moment ago)."""

    code = "line_already_decided"


class NothingToConfirm(InvalidInput):
    """None of the lines chosen waits for confirmation with a customer."""

    code = "nothing_to_confirm"


class ImportedConcurrently(Conflict):
    """Another import recorded some of the same credits a moment ago: import again."""

    code = "statement_imported_concurrently"


class MissingAmountColumn(InvalidInput):
    """A mapping names no column of the money received."""

    code = "missing_amount_column"
