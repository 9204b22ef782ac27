"""Alembic migrations of duban's schema."""
