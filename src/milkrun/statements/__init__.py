"""Statements: bank and UPI statement files the owner imports to record the money customers sent.

A statement's credits are read with a column mapping (a preset for a common Indian bank layout,
or one the owner saved once), matched to customers and bills with a reason (the bill's reference
in the narration, the customer's UPI handle or phone, or an amount equal to exactly one
customer's dues), and wait as proposals; confirmed, each becomes one payment with the bank's
reference (UTR), through ``billing.settlement``. Invariants: a statement line is kept once (its
fingerprint, the UTR when there is one, is unique), so importing the same statement twice
records nothing twice; a line becomes at most one payment; a malformed file records nothing.
"""
