"""A roster with history from before the who-column keeps every row: old changes say nobody (who
made them was not kept), every member's destination counts as known — on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import text

from models.db import make_engine
from models.migrations import schema
from tests.conftest import START
from tests.test_ticket_migration import empty_url  # noqa: F401 (the fixture)

pytestmark = pytest.mark.postgres
BEFORE = "v3r1fyasks01"


def test_old_members_and_changes_survive_the_upgrade(empty_url):  # noqa: F811
    engine = make_engine(empty_url)
    schema.upgrade(engine, BEFORE)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organizations (id, name, kind) VALUES (1, '白杨村党支部', 'branch')"))
        conn.execute(text("INSERT INTO members (id, name, branch_id, status, current_city, created_at) VALUES "
                          "(1, '张某', 1, 'away', '苏州', :t)"), {"t": START})
        conn.execute(text("INSERT INTO member_changes (member_id, field, old_value, new_value, source, changed_at) "
                          "VALUES (1, 'current_city', '深圳', '苏州', 'chat', :t)"), {"t": START})
        conn.execute(text("INSERT INTO tickets (number, member_id, topic, description, status, urgency, created_at, "
                          "due_at) VALUES ('Q20261129001', 1, 'other', '家里有点事', 'new', 'normal', :t, :t)"),
                     {"t": START})
    schema.upgrade(engine)
    with engine.connect() as conn:
        member = conn.execute(text("SELECT name, current_city, place_unlisted FROM members")).one()
        change = conn.execute(text("SELECT field, new_value, source, changed_by FROM member_changes")).one()
    engine.dispose()
    assert (member.name, member.current_city, bool(member.place_unlisted)) == ("张某", "苏州", False)
    assert tuple(change) == ("current_city", "苏州", "chat", None)
