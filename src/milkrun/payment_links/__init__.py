"""Payment links: a bill paid online through the dairy's payment gateway (Razorpay today).

This domain owns ``payment_links``: for each bill, the gateway's links made for it, with the
amount each asks for and where it stands. Invariants: at most one live link per bill (a partial
UNIQUE index on ``invoice_id`` where ``status = 'created'``); a live link asks for what the
customer owes on the bill now (the bill's total due, less what was paid since) — when that
changes, the old link is cancelled at the gateway and a new one made; a link's ``reference`` and
the gateway's link id are unique.

When a link is made: never while a bill is finalized (a gateway outage must not stop billing).
It is made on demand — the owner's "Create payment link" on the bill's page, or POST
/api/v1/invoices/{id}/payment-link — and lazily the first time the bill's public page
(/b/{token}) is opened with something due; a gateway that fails there leaves the page with its
UPI QR and no "Pay online" button, and the next visit tries again.

The gateway's ``payment_link.paid`` webhook, once its signature is verified, becomes a payment
(``billing.settlement.receive_payment``: settled oldest bill first, audited) whose reference is
the gateway's payment id, so a retried webhook records nothing twice.

Voiding a bill (``service.void_bill``, from the API and the bill's page) cancels its live link
at the gateway, so a void bill cannot be paid online. A gateway that is down does not stop the
void: the link keeps ``status = 'created'`` (it is live at the gateway) and gets
``cancel_due_at``; the scheduler's job ``service.cancel_due_job`` (on every wake-up, at least
each minute; with the scheduler off, ``milkrun`` run by cron does not do it — void again later
or cancel in Razorpay's dashboard) retries until the gateway cancels it. A customer who pays
the link meanwhile is recorded by the webhook like any payment: the customer's credit (or
paying their other open bills), never lost.
"""
