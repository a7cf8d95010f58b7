"""Billing: monthly invoices from what was delivered, numbered, settled, on paper.

What it owns
- ``invoices`` and ``invoice_lines``: one invoice per customer and month (more only when an
  issued month later gets late deliveries: a supplementary draft). A draft is a preview the
  billing run rebuilds at will (``invoicing.py``: the run; ``billable.py``: which orders and
  adjustments it bills; ``drafts.py``: a draft per customer and its orders; ``lines.py``: lines,
  carried adjustments, totals; ``months.py``: the month and its lock); finalizing gives it the
  next number of the financial year's series (``numbering.py``: ``MR/2627/000123``, a counter
  row updated in the finalizing transaction, so numbers are gapless) and freezes it; voiding
  keeps the number used and releases its orders to be billed again (``service.py``).
- ``invoice_series``: the counters of the numbering series.
- ``allocations``: which credit paid which invoice, oldest invoice first (``settlement.py``);
  derived, recomputed per customer after every payment, finalization and void.
- The ledger (``ledger.py``), reconciliation (``reconcile.py``), the PDF bill (``pdf.py``).

Invariants (in the schema): an order is on at most one issued invoice, of its own customer
(``orders.invoice_id`` -> ``invoices (id, customer_id)``, written once, by finalizing; a draft's
orders are derived, ``billable.on_draft``, and no order is ever linked to a draft); lines are
quantity x unit price, one per invoice, product and price; an issued invoice carries a number,
issue and due dates; one draft per customer and month; totals add up; numbers are unique. On
PostgreSQL triggers refuse any change to an issued invoice but its payment state (and voiding),
and any change to its lines.

Rules: bill quantity_delivered x the order's captured unit price for every delivered or
partially delivered order of the month, one-time orders included; tax per line, rounded half
up; a run never touches issued invoices; runs, finalizations and voids of a month take the
month's lock, so concurrent runs give one run's result.

Corrections after billing, and why imports stay acyclic
-------------------------------------------------------
Deliveries sits below billing (billing reads delivery statuses) and must not import it. When a
mark changes the delivered quantity of an order that is already on an invoice, deliveries calls
``milkrun.adjustments.service.record_correction`` (one small function in the deliveries service,
``record_correction_of_billed_order``, in the mark's transaction). ``milkrun.adjustments`` is a
domain below both: it owns the ``adjustments`` table and knows only orders and products. It
records, against the invoice the order is on, the quantities before and after and the signed
amount with its tax. It needs no knowledge of invoice states, because billing interprets the
record:

- against a draft, the adjustment is provisional: the next run rebuilds the draft from the
  deliveries as they are now and deletes it; so does finalizing, which links the draft's
  orders and sums its lines again from them (``invoicing.link_and_resum``). Until then the
  draft plus the adjustment is what was delivered.
- against an issued invoice it is pending until the run of a later month puts it on that
  month's draft (``billable.pending_adjustments``), as a credit or a debit.
- voiding an invoice reverses the adjustments against it (the orders are billed afresh at what
  was finally delivered) and releases the ones it carried to the next invoice.

So at any moment: invoices (not void) plus adjustments not yet on an invoice add up to what was
delivered (``tests/billing/test_property.py``). Corrections and a run of the same month exclude
each other through the month's lock (exclusive for billing, shared for a correction), so a run
sees a correction entirely or not at all.

Imports point one way: audit < customers, catalog < orders < adjustments < deliveries <
billing, and customers < payments < billing. Payments records money received (its rules:
references, likely duplicates); settling invoices with it is billing's, since it changes
invoice states.
"""
