"""Messages to customers and staff: the outbox, its relay, the channels and the templates.

This domain owns:

- **the outbox** (``outbox_messages``): each message is a row written in the same transaction as
  the business change that causes it (a bill finalized, a payment recorded, a pause or a day
  change confirmed, an order not delivered, a shared delivery link for a substitute, a low
  balance, a dues reminder). A rolled-back change leaves no message; a committed one always
  has its message. Writing it is one INSERT and nothing else (``outbox.enqueue``).
- **the relay** (``relay``): claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; one
  writer at a time on SQLite), chooses the channel and language when it sends (so an opt-out
  or a new phone number made meanwhile is honoured), sends with the row's idempotency key,
  retries with exponential backoff and, after ``MILKRUN_NOTIFY_MAX_ATTEMPTS``, leaves the row
  ``dead``: a dead letter the owner lists and retries.
- **consent** (``message_consents``): a channel opt-in per customer, recorded with when and
  how; quiet hours (no non-urgent message 21:00–07:00 local: deferred, never dropped); a monthly
  cap per dairy with the count shown.
- **templates** (``templates``): name, category, urgency, language variants (en, hi, kn), the
  WhatsApp template name and the DLT template id; rendered in Jinja2's sandbox.

Imports point one way: the business domains call ``notify.outbox``; notify imports only the
audit trail and the people it writes to (``customers.models``), never the domains that cause
messages (tests/test_layers.py).
"""
