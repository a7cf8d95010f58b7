"""The limit for billing a month: the same work as ``billing.service`` written by hand in
PostgreSQL for this database alone, on the fixtures of ``bench.billing``.

A run (design 1 of docs/benchmarks.md §2: drafts derive their orders, no order is written; and
"derive, compare, write the difference"): one draft per customer with a delivered order on no
invoice, every line of the drafts (per draft, product and price: the delivered quantity summed,
the GST inside it) derived into a temporary table, the stored lines that are not derived
deleted and the derived ones not stored inserted, the totals set by ``UPDATE ... FROM`` over
the derived lines where they differ. A rerun is the same statements on the drafts the run left.
Finalizing: link every billable order to its customer's draft (``UPDATE ... FROM``), derive the
lines again from the links, write the difference, the totals, and number the drafts in id
order.
No audit, no settlement, no statistics, no document types, no container deposits: the least a
database must do for these results. Used by ``bench.billing --hand-written N`` (alternated with
milkrun's run, rerun and finalize on the same data, the same load).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text

Params = dict[str, object]

DRAFTS = """
INSERT INTO invoices (customer_id, month, status, customer_name, customer_address,
    subtotal_paise, tax_paise, total_paise, amount_paid_paise, created_at, updated_at)
SELECT c.id, :month, 'draft', c.name, c.address, 0, 0, 0, 0, now(), now()
FROM customers c
WHERE c.id IN (SELECT customer_id FROM orders
               WHERE delivery_date BETWEEN :month AND :last AND invoice_id IS NULL
                 AND status IN ('delivered', 'partially_delivered'))
  AND NOT EXISTS (SELECT 1 FROM invoices d
                  WHERE d.customer_id = c.id AND d.month = :month AND d.status = 'draft')
"""
LINES = """
CREATE TEMPORARY TABLE derived ON COMMIT DROP AS
SELECT i.id AS invoice_id, o.product_id, p.name AS description, p.hsn_code,
       sum(s.quantity_delivered) AS quantity, o.unit_price_paise,
       sum(s.quantity_delivered)::bigint * o.unit_price_paise
         - round(sum(s.quantity_delivered)::bigint * o.unit_price_paise * p.tax_rate_bps
                 / (10000.0 + p.tax_rate_bps)) AS amount_paise,
       p.tax_rate_bps,
       round(sum(s.quantity_delivered)::bigint * o.unit_price_paise * p.tax_rate_bps
             / (10000.0 + p.tax_rate_bps)) AS tax_paise
FROM orders o
JOIN delivery_statuses s ON s.order_id = o.id
JOIN products p ON p.id = o.product_id
JOIN invoices i ON {on_invoice}
WHERE o.delivery_date BETWEEN :month AND :last
  AND s.status IN ('delivered', 'partially_delivered')
GROUP BY i.id, o.product_id, o.unit_price_paise, p.name, p.hsn_code, p.tax_rate_bps
"""
SAME = """d.invoice_id = l.invoice_id AND d.product_id = l.product_id
  AND d.unit_price_paise = l.unit_price_paise AND d.tax_rate_bps = l.tax_rate_bps
  AND d.quantity = l.quantity AND d.amount_paise = l.amount_paise
  AND d.tax_paise = l.tax_paise AND d.description = l.description
  AND coalesce(d.hsn_code, '') = coalesce(l.hsn_code, '')"""
REMOVE = f"""
DELETE FROM invoice_lines l USING invoices i
WHERE l.invoice_id = i.id AND i.month = :month AND i.status = 'draft'
  AND NOT EXISTS (SELECT 1 FROM derived d WHERE {SAME})
"""
ADD = f"""
INSERT INTO invoice_lines (invoice_id, product_id, description, hsn_code, quantity,
    unit_price_paise, amount_paise, tax_rate_bps, tax_paise)
SELECT d.invoice_id, d.product_id, d.description, d.hsn_code, d.quantity, d.unit_price_paise,
       d.amount_paise, d.tax_rate_bps, d.tax_paise
FROM derived d WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE {SAME})
"""
DERIVED = (
    "i.customer_id = o.customer_id AND i.month = :month AND i.status = 'draft'"
    " AND o.invoice_id IS NULL"
)
LINKED = "i.id = o.invoice_id AND i.status = 'draft'"
TOTALS = """
UPDATE invoices SET subtotal_paise = t.amount, tax_paise = t.tax,
    total_paise = t.amount + t.tax, updated_at = now()
FROM (SELECT invoice_id, sum(amount_paise) AS amount, sum(tax_paise) AS tax
      FROM derived GROUP BY invoice_id) t
WHERE invoices.id = t.invoice_id AND invoices.month = :month AND invoices.status = 'draft'
  AND (invoices.subtotal_paise <> t.amount OR invoices.tax_paise <> t.tax)
"""
LINK = """
UPDATE orders SET invoice_id = i.id FROM invoices i
WHERE i.customer_id = orders.customer_id AND i.month = :month AND i.status = 'draft'
  AND orders.delivery_date BETWEEN :month AND :last AND orders.invoice_id IS NULL
  AND orders.status IN ('delivered', 'partially_delivered')
"""
NUMBER = """
UPDATE invoices SET status = 'finalized', series = 'HW', sequence = r.rank,
    number = 'HW/' || lpad(r.rank::text, 6, '0'), issue_date = :today, due_date = :today + 7,
    finalized_at = now(), updated_at = now(),
    is_prepaid = (SELECT c.is_prepaid FROM customers c WHERE c.id = invoices.customer_id)
FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM invoices
      WHERE month = :month AND status = 'draft') r
WHERE invoices.id = r.id
"""


def _lines(connection: Connection, params: Params, on_invoice: str) -> None:
    """Derive, compare, write the difference; then the totals that differ."""
    connection.execute(text(LINES.format(on_invoice=on_invoice)), params)
    connection.execute(text("ANALYZE derived"))
    connection.execute(text(REMOVE), params)
    connection.execute(text(ADD), params)
    connection.execute(text("ANALYZE invoice_lines"))
    connection.execute(text(TOTALS), params)


def _run(connection: Connection, params: Params) -> None:
    connection.execute(text("SET LOCAL work_mem = '128MB'"))
    connection.execute(text(DRAFTS), params)
    connection.execute(text("ANALYZE invoices"))
    _lines(connection, params, DERIVED)


def _finalize(connection: Connection, params: Params) -> None:
    connection.execute(text("SET LOCAL work_mem = '128MB'"))
    connection.execute(text(LINK), params)
    _lines(connection, params, LINKED)
    connection.execute(text(NUMBER), params)


def _timed(engine: Engine, work: Callable[[Connection, Params], None], params: Params) -> float:
    """Seconds for ``work`` in one transaction, commit included."""
    started = time.perf_counter()
    with engine.begin() as connection:
        work(connection, params)
    return time.perf_counter() - started


def run(engine: Engine, params: Params) -> float:
    """A hand-written run (or rerun) of the month's drafts."""
    return _timed(engine, _run, params)


def finalize(engine: Engine, params: Params) -> float:
    """Hand-written finalizing: link, lines from the links, totals, numbers."""
    return _timed(engine, _finalize, params)
