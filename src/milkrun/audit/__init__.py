"""The audit trail: who did what, when, through which channel, with the values before and after.

Invariants: append-only (on PostgreSQL a trigger refuses UPDATE and DELETE); an event is written
in the same transaction as the change it describes; secrets (password hashes, tokens) never
appear in before/after.
"""
