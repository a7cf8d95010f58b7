"""Billing: monthly invoices from what was delivered, numbered, settled, on paper.

(The full account of the rules is written with the billing run; see invoicing.py.)
"""
