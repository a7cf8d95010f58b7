"""Shared delivery links: marking one route's deliveries of one date without an account.

An admin creates a link for a route, a date and a label (the person it is for); the URL with
its token is shown once. Only the SHA-256 of the token (``secrets.token_urlsafe(32)``, 256
random bits) is stored. A link expires (by default at the end of its delivery date plus six
hours, in the dairy's zone) and can be revoked. It can read and mark only its own route's orders
of its own date; every use is audited with the link as the actor.

Guessing is throttled per client address in the database (``throttle.py``): after too many
unknown tokens from one address within the window, that address's further unknown tokens get
429 for the window. A token that works is never throttled.
"""
