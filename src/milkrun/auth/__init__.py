"""Logins, roles and tokens.

A user has a role: ``admin``, ``delivery_boy`` or ``customer``. A customer login is linked to
exactly one customer (``users.customer_id`` UNIQUE); staff logins are linked to none. The one
exception the schema allows is a *disabled* customer login with no customer: a login an admin
unlinked, or one imported from the old system that has not been matched yet. It cannot log in
until an admin links it. Passwords are argon2id hashes; tokens are HS256 JWTs with an expiry.
Failed logins are throttled per username in the database, so the limit holds across processes.

Auth is at the bottom of the people domains: routing and customers import it, it imports
neither. Customer sign-up and linking logins live in ``customers.logins``.
"""
