"""The limit for billing a month: the same work as ``billing.service`` written by hand in
PostgreSQL for this database alone, on the fixtures of ``bench.billing``.

A run (design 1 of docs/benchmarks.md §2: drafts derive their orders, no order is written):
empty the month's drafts' lines, one draft per customer with a delivered order on no invoice,
one line per draft, product and price (the delivered quantity summed, the GST inside it), the
totals by ``UPDATE ... FROM`` over the line sums. A rerun is the same statements on the drafts
the run left. Finalizing: link every billable order to its customer's draft (``UPDATE ...
FROM``), sum the lines again from the links, total them, and number the drafts in id order.
No audit, no settlement, no statistics, no document types, no container deposits: the least a
database must do for these results. Used by ``bench.billing --hand-written N`` (alternated with
milkrun's run, rerun and finalize on the same data, the same load).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text

Params = dict[str, object]

CLEAR = """
DELETE FROM invoice_lines USING invoices i
WHERE invoice_lines.invoice_id = i.id AND i.month = :month AND i.status = 'draft'
"""
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
INSERT INTO invoice_lines (invoice_id, product_id, description, hsn_code, quantity,
    unit_price_paise, amount_paise, tax_rate_bps, tax_paise)
SELECT i.id, o.product_id, p.name, p.hsn_code, sum(s.quantity_delivered), o.unit_price_paise,
       sum(s.quantity_delivered)::bigint * o.unit_price_paise
         - round(sum(s.quantity_delivered)::bigint * o.unit_price_paise * p.tax_rate_bps
                 / (10000.0 + p.tax_rate_bps)),
       p.tax_rate_bps,
       round(sum(s.quantity_delivered)::bigint * o.unit_price_paise * p.tax_rate_bps
             / (10000.0 + p.tax_rate_bps))
FROM orders o
JOIN delivery_statuses s ON s.order_id = o.id
JOIN products p ON p.id = o.product_id
JOIN invoices i ON {on_invoice}
WHERE o.delivery_date BETWEEN :month AND :last
  AND s.status IN ('delivered', 'partially_delivered')
GROUP BY i.id, o.product_id, o.unit_price_paise, p.name, p.hsn_code, p.tax_rate_bps
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
      FROM invoice_lines GROUP BY invoice_id) t
WHERE invoices.id = t.invoice_id AND invoices.month = :month AND invoices.status = 'draft'
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


def _run(connection: Connection, params: Params) -> None:
    connection.execute(text("SET LOCAL work_mem = '128MB'"))
    connection.execute(text(CLEAR), params)
    connection.execute(text(DRAFTS), params)
    connection.execute(text("ANALYZE invoices"))
    connection.execute(text(LINES.format(on_invoice=DERIVED)), params)
    connection.execute(text("ANALYZE invoice_lines"))
    connection.execute(text(TOTALS), params)


def _finalize(connection: Connection, params: Params) -> None:
    connection.execute(text("SET LOCAL work_mem = '128MB'"))
    connection.execute(text(CLEAR), params)
    connection.execute(text(LINK), params)
    connection.execute(text(LINES.format(on_invoice=LINKED)), params)
    connection.execute(text("ANALYZE invoice_lines"))
    connection.execute(text(TOTALS), params)
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
