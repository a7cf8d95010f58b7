"""Public bill links: a bill, its balance and how to pay it, for a customer without a login.

An admin creates a link for an issued bill; the URL (``/b/{token}``) is shown once. Tokens,
their SHA-256 (the only thing stored) and the throttling of guesses are the shared delivery
links' own (``milkrun.links.tokens``, ``milkrun.links.throttle``): one count of wrong tokens per
client address covers both kinds of link. A link expires (``MILKRUN_BILL_LINK_DAYS`` after it
is made, by default) and can be revoked; it stops working when its bill is cancelled.
"""
