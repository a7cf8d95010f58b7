"""Prepaid wallets: a customer who pays in advance, and the days not delivered when the money
runs low.

A wallet is the customer's ledger read forward, not a second ledger: its balance is what the
customer paid, less what its issued bills and adjustments charged (the ledger), less what has
been delivered or is scheduled and is on no issued bill yet. Before a date D is generated, each
prepaid customer whose balance before D, less what D's orders would cost, is below its
threshold gets a low-balance hold on D (``LowBalanceHold``): generation makes no order for it
(one predicate in ``orders.due``), the board and the customer's pages show it, it is audited
and the customer is sent a ``low_balance`` message. A payment that brings the balance back
lifts the holds of the days not begun and syncs those days again. See docs/wallets.md.
"""
