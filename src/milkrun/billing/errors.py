"""The refusals of billing, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound


class InvoiceNotFound(NotFound):
    """No invoice has this id (or the caller may not see it)."""

    code = "invoice_not_found"


class InvoiceDraft(Conflict):
    """A draft is not voided: billing its month again replaces it."""

    code = "invoice_draft"


class InvoiceVoid(Conflict):
    """The invoice is void; nothing more is done to it."""

    code = "invoice_void"


class InvoiceFinalized(Conflict):
    """The invoice is already issued; an issued invoice does not change."""

    code = "invoice_finalized"


class InvoiceSeriesFull(Conflict):
    """The financial year's invoice numbers are used up."""

    code = "invoice_series_full"


class ConcurrentChange(Conflict):
    """The invoices changed while this request worked on them: try again."""

    code = "concurrent_change"


class MonthInFuture(InvalidInput):
    """A month that has not begun cannot be billed."""

    code = "month_in_future"


class InvalidPeriod(InvalidInput):
    """A period whose end is before its start."""

    code = "invalid_period"


class InvalidStatus(InvalidInput):
    """An invoice status filter that is not one of the listed statuses."""

    code = "invalid_status"


class NothingToZip(Conflict):
    """A month with no issued bill has no PDFs to put in a ZIP."""

    code = "no_issued_invoices"


class ReturnTableNotFound(NotFound):
    """The GSTR-1 return has no table of this name."""

    code = "gst_return_table_not_found"
