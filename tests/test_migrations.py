"""Alembic migrations build exactly the schema the models describe, and upgrade is repeatable."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import models
from models.db import make_engine
from models.migrations import schema


def test_upgrade_builds_the_models_schema_and_is_idempotent(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    schema.upgrade(engine)
    schema.upgrade(engine)  # serve runs it on every start
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    assert diff == []
    assert "members" in inspect(engine).get_table_names()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
