"""Returnable containers: glass bottles and crates that go out full and come back empty.

Owns ``container_types`` (a kind of container and its deposit) and ``container_movements``
(the container ledger: given, returned and lost-charged per customer, route, date and
container type). A product that comes in a returnable container names its type
(``products.container_type_id``).

Rules (``service.py``): a stop records containers given and taken back, at most once per
``Idempotency-Key`` (the delivery page queues them offline like marks). A customer never holds
fewer than zero: taking back more than the customer holds is refused. The deposit follows what
the customer holds: given beyond what he gives back is charged (the type's deposit each), taken
back beyond what he is given is refunded; a container written off as lost is charged (its
deposit is kept, not refunded). Each movement stores the deposit it charged (positive) or
refunded (negative); billing puts the month's net on the customer's bill as a deposit line
(``billing.deposits``). Who may record: a delivery boy for the customers of the routes he walks
on the date, an admin for anyone.
"""
