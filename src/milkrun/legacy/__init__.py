"""The import of the old system's data, repairing the links it did not keep.

The old system kept loosely linked document collections: orders that did not know their
subscription, delivery confirmations that did not know their order, logins that did not know
their customer. Its export is a directory of JSON Lines files, one per collection
(docs/legacy-import.md); ``milkrun import legacy DIR [--dry-run]`` imports it.

What it owns: ``legacy_records``, the provenance of every imported document (collection, its
``_id``) and the row it became, and the rules that find the missing links again
(``matching``): a customer login belongs to the one customer with its phone or email; an order
to the subscription of its customer, product and shift due on its date (by the subscription
rules of ``milkrun.subscriptions.schedule``), else it is a one-time order; a confirmation to the
one imported order of its customer, product and date, with an outcome by the marking rules of
``milkrun.deliveries.rules``.

Invariants: a document is imported at most once (UNIQUE(collection, legacy_id)), so importing an
export again changes nothing and a newer export adds only what is new; an import is one
transaction (the caller's), all or nothing; a malformed export (``reader``) changes nothing and
the error names the file, the line and the field; a link that cannot be found for certain is
reported, never guessed; every row it writes obeys the schema's constraints like any other (an
order per subscription and date, a delivery status that fits its order); one audit event
records each import that changed anything.

Layout: ``documents`` (the format), ``reader`` (reading and checking), ``matching`` (the
repairs, on plain values), ``reference`` (products, logins, routes, customers), ``order_book``
(subscriptions, orders), ``confirmations`` (delivery confirmations), ``store`` (batched
statements and provenance), ``service`` (the import), ``report`` (what it did). It sits above
every domain it writes and below the CLI; no domain imports it.
"""
