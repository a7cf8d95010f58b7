"""Adjustments: corrections to orders that were already billed.

When the delivered quantity of an order that sits on an invoice changes (a delivery boy
corrects a mark after a complaint), the change is recorded here as an adjustment: the order, the
invoice it was on, the quantities before and after, the signed amount at the order's unit price
(negative = a credit) with its tax, and the reason. Billing carries pending adjustments on the
customer's next month's invoice.

This domain sits below both deliveries and billing: deliveries records a correction here in the
same transaction as the mark, without knowing anything about invoices beyond
``orders.invoice_id`` (the issued invoice an order is linked to) and which customer has a draft
of a month (a draft's orders are derived, not linked); billing decides what a correction means
for the invoice it was against (see ``milkrun.billing``). Invariants in the schema: the
quantity changes; the amount is (after - before) x unit price; an adjustment belongs to its
order's customer, and so do the invoice it was against and the invoice that carries it.
"""
