"""The databases tests run on. Every test runs on SQLite: a copy of a migrated template file.
A test (or module, ``pytestmark``) marked ``@pytest.mark.postgres`` runs on PostgreSQL too. The
PostgreSQL server is ``$KITELINE_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); one throwaway database is created per session
(per xdist worker), migrated once, emptied before each test and dropped at the end. An unreachable
server skips those runs, unless ``KITELINE_REQUIRE_POSTGRES=1`` (CI), which fails them.

``tests/conftest.py`` imports these fixtures and the hook, so every test module has them."""
from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

import models
from bot.sandbox import state as sandbox_state
from models.db import make_engine
from models.migrations import schema

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_generate_tests(metafunc):
    if "db_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("postgres"):
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_backend(request) -> str:
    """``sqlite``, or ``postgresql`` for the second run of a test marked ``postgres``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_database():
    """URL of a throwaway, migrated PostgreSQL database for this test session."""
    admin = make_url(os.environ.get("KITELINE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)).set(drivername="postgresql")
    try:
        conn = psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {admin.render_as_string()}: {str(exc).strip()}"
        if os.environ.get("KITELINE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (KITELINE_REQUIRE_POSTGRES=1)")
        pytest.skip(f"{reason}; set KITELINE_TEST_POSTGRES_URL to run the PostgreSQL half")
    name = f"kiteline_test_{os.getpid()}_{int(time.time())}_{secrets.token_hex(4)}"
    with conn:
        if admin.host in ("127.0.0.1", "localhost"):
            _drop_orphans(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        yield url
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_orphans(conn) -> None:
    """Drop test databases left by sessions on this machine that were killed before teardown:
    their process is gone and they are over an hour old (a session in another container, whose
    pids we cannot see, is never that slow)."""
    for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kiteline_test_%'").fetchall():
        pid, created = (name.split("_") + ["", ""])[2:4]
        stale = created.isdigit() and time.time() - int(created) > 3600
        if stale and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    # DELETE children before parents and set the id sequences back to their start, all in one
    # round trip: on tables this small that is ~20 ms, where TRUNCATE takes ~350 ms per test and
    # a statement per table and sequence ~70 ms.
    known = [t.name for t in reversed(models.Base.metadata.sorted_tables)]
    with psycopg.connect(url) as conn:
        present = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        present.discard("alembic_version")
        statements = [f'DELETE FROM "{table}"' for table in [t for t in known if t in present]
                      + sorted(present - set(known))]
        statements.append("SELECT setval(format('%I', sequencename)::regclass, start_value, false) "
                          "FROM pg_sequences WHERE schemaname = 'public'")
        conn.execute("; ".join(statements))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, built once; each test gets a copy (~1 ms instead of ~150 ms). It
    holds the sandbox's tables too, as the session's PostgreSQL database does from its first test
    on: each app would create them in its copy otherwise (~12 ms a test)."""
    path = tmp_path_factory.mktemp("template") / "kiteline.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    sandbox_state.create_tables(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture
def db_url(request, db_backend, tmp_path) -> str:
    """A fresh, migrated, empty database: a copy of the SQLite template, or the session's
    PostgreSQL database emptied."""
    if db_backend == "postgresql":
        url = request.getfixturevalue("postgres_database")
        _empty_postgres(url)
        return url
    path = tmp_path / "kiteline.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"
