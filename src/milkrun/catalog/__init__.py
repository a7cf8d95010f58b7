"""The catalog: products and their dated prices.

Invariants: a SKU is unique; a product has at most one price per effective date; the price on a
date is the one with the latest ``effective_from`` on or before it. Prices are integer paise;
tax rates are basis points (500 = 5.00 %).
"""
