"""Alembic migrations of the csvc store (run with ``csvc store init`` / ``csvc store upgrade``)."""
