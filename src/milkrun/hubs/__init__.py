"""Hubs and holidays: the branches of one dairy and the dates on which a hub delivers nothing.

A hub is a scoping column (DESIGN.md): a route belongs to at most one hub, a customer is on the
hub of its route (a customer on no route is on no hub), and an admin may be limited to one hub
(``users.hub_id``). Every admin read narrows by the admin's hub in one place, the ``HubScope``
(``scope.py``): a record outside the hub is answered as if it did not exist (404).

A holiday is a date on which one hub (or, with no hub, the whole dairy) delivers nothing:
``calendar.delivers_on`` is the one predicate materialization adds to what is due, so no order is
generated and nothing is billed. Declaring one (``holidays.py``) cancels the open orders of a day
already generated and writes a ``holiday`` message to each customer it affects. Invariants in
the schema: hub names are unique; one holiday per hub (or dairy) per date.
"""
