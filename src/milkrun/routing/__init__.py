"""Routes: a named walk through an area in one shift, with a default delivery boy.

Invariants: route names are unique; a route's shift is morning or evening; its default delivery
boy, when set, is a user with the delivery_boy role.

Routing sits above auth (it checks delivery boys' roles) and below customers (a customer is on a
route); it imports nothing from customers.
"""
