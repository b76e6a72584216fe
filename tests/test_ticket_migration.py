"""Tickets filed before the lifecycle revision keep their meaning after it: statuses renamed,
a crisis known by its flag becomes urgency ``crisis``, every ticket gets its history — on SQLite
and PostgreSQL."""
import datetime as dt
import secrets

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import make_engine
from models.migrations import schema
from tests.conftest import START

pytestmark = pytest.mark.postgres
BEFORE = "d3l1v3ry0001"


@pytest.fixture
def empty_url(request, db_backend, tmp_path):
    """An empty database of ``db_backend`` (a throwaway one on the PostgreSQL server)."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path}/old.db"
        return
    admin = make_url(request.getfixturevalue("postgres_database")).set(database="postgres")
    name = f"kiteline_test_migration_{secrets.token_hex(4)}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        yield admin.set(database=name).render_as_string(hide_password=False)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_old_tickets_get_new_statuses_urgency_and_history(empty_url):
    engine = make_engine(empty_url)
    schema.upgrade(engine, BEFORE)
    resolved_at = START + dt.timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organizations (id, name, kind) VALUES (1, '白杨村党支部', 'branch')"))
        conn.execute(text("INSERT INTO members (id, name, branch_id, status, created_at) VALUES "
                          "(1, '张某', 1, 'away', :t), (2, '李某', 1, 'home', :t)"), {"t": START})
        conn.execute(text("INSERT INTO liaisons (id, member_id, branch_id) VALUES (1, 2, 1)"))
        rows = [("Q20261129001", "open", "【情绪危机，请马上联系】不想活了", None),
                ("Q20261129002", "replied", "老板拖欠了三个月工资", None),
                ("Q20261129003", "resolved", "孩子上学的事", resolved_at)]
        for number, status, description, resolved in rows:
            conn.execute(text("INSERT INTO tickets (number, member_id, liaison_id, topic, description, status, "
                              "created_at, due_at, resolved_at) VALUES (:n, 1, 1, 'other', :d, :s, :t, :t, :r)"),
                         {"n": number, "d": description, "s": status, "t": START, "r": resolved})
    schema.upgrade(engine)
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT number, status, urgency, description FROM tickets ORDER BY id")).all()
        events = conn.execute(text("SELECT ticket_id, kind, actor_kind, actor_id FROM ticket_events "
                                   "ORDER BY ticket_id, id")).all()
    engine.dispose()
    assert [tuple(t) for t in tickets] == [("Q20261129001", "new", "crisis", "不想活了"),
                                           ("Q20261129002", "answered", "normal", "老板拖欠了三个月工资"),
                                           ("Q20261129003", "resolved", "normal", "孩子上学的事")]
    assert [tuple(e) for e in events] == [(1, "filed", "member", 1), (2, "filed", "member", 1),
                                          (3, "filed", "member", 1), (3, "resolved", "liaison", 2)]
