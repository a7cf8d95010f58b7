"""The demo dairy: a small, living business to explore milkrun with. Seeding is idempotent."""
