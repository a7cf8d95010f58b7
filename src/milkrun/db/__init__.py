"""The database layer: engine, sessions, types, the Alembic migration tree."""
