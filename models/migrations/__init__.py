"""Alembic migrations for kiteline's schema; applied by ``kiteline db upgrade`` and ``serve``."""
