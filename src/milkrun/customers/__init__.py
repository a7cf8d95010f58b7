"""Customers: the households a dairy delivers to.

Invariants: a phone (stored in E.164) is unique among active customers; a customer belongs to at
most one route, at a stop sequence on it. Logins are the auth domain's; this domain knows none.
"""
