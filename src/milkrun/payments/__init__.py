"""Payments: money received from customers (cash, UPI, card, bank transfer).

Invariants: the amount is positive; a reference (UPI transaction id, cheque number) is used once
per method. Rule: a payment that looks like one just recorded (same customer, amount and method
within two minutes, neither with a reference) is refused unless confirmed.

How a payment settles invoices (allocation, oldest first; credit for an overpayment) is
billing's, because it changes invoice states: see ``milkrun.billing.settlement``.
"""
