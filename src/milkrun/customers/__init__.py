"""Customers: the households a dairy delivers to.

Invariants: a phone (stored in E.164) is unique among active customers; a customer belongs to at
most one route, at a stop sequence on it.

Customers sit above routing and auth. A customer's login is an auth user, but making one with
its customer (sign-up), adding one, and linking or unlinking one are customer use cases
(``logins.py``) that call auth to write the user; auth knows customers only by id.
"""
