"""Counter sales: a walk-in sale recorded and paid at the dairy's counter, with a cash memo.

Owns ``counter_sales`` (one sale: its cash-memo number, day, how it was paid and its totals)
and ``counter_sale_lines`` (product, quantity, the price and the GST rate in force that day,
and the line's taxable value, CGST and SGST).

Rules (``service.py``): a sale has at least one line of an active product priced on the day;
prices are tax-inclusive (MRP) and split as bills split them (``catalog.tax.split_inclusive``).
It is paid in full, by cash or UPI (an optional reference, the UPI transaction id). Its cash
memo is numbered in its own gapless series per financial year (``CM/2627/000001``, the
``invoice_series`` counter of ``billing.numbering``). A sale is never edited or deleted: a
mistake is voided with a reason, keeping its number, listed as cancelled. Not a customer's
sale: no customer, no ledger entry, no bill; it counts in the day's totals (the today board)
and in the month's GSTR-1 (B2C by rate, HSN summary, documents issued).
"""
