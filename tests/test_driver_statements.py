"""The webhook's read of the sender and its record run on the driver (models.driver_statements):
the same values as SQLAlchemy's own execution, the same errors, SQLite's write lock taken, and
the transaction still SQLAlchemy's."""
from __future__ import annotations

import datetime as dt
import fcntl
import os

import pytest
from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.exc import IntegrityError

from models.dialog import DialogState
from models.driver_statements import DriverStatement
from models.follower import Follower
from models.inbound import InboundMessage, record
from models.inbound_sender import read_sender
from models.stations.record import Station

pytestmark = pytest.mark.postgres
NOW = dt.datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=dt.timezone.utc)


def _row(n: int, **changes) -> dict:
    return dict(dedupe_key=f"oZhang:{n}", query_key=f"q{n}", body_hash="h" * 64, openid="oZhang", msg_type="text",
                content="党费交了吗", received_at=NOW, intent="dues", reply="<xml>好的</xml>", replied_at=NOW) | changes


def test_a_recorded_message_reads_back_as_sqlalchemy_wrote_it(runtime, session):
    with runtime.engine.connect() as conn:
        assert record(conn, _row(1))
        conn.commit()
    stored = session.scalars(select(InboundMessage)).one()
    assert (stored.dedupe_key, stored.content, stored.intent, stored.reply) == ("oZhang:1", "党费交了吗", "dues",
                                                                                "<xml>好的</xml>")
    assert stored.received_at == NOW and stored.replied_at == NOW  # aware UTC, to the microsecond


def test_numbers_and_every_row_read_back_as_connection_execute_gives_them(runtime, session):
    """Floats, sums and literals, several rows: psycopg's conversion of a number depends on its
    type on the wire, which only the driver's description of the columns tells."""
    session.add_all([Station(name="苏州阳光驿站", province="江苏", city="苏州", address="工业园区1号", hotline="0512-55500100", hours="9:00-17:00",
                             latitude=31.3, longitude=120.62),
                     Station(name="深圳阳光驿站", province="广东", city="深圳", address="龙华区2号", hotline="0755-55500100",
                             hours="9:00-17:00")])
    session.commit()
    statement = (select(Station.name, Station.latitude, Station.longitude,
                        func.count().over().label("stations"), literal(0).label("zero"),
                        func.sum(Station.latitude).over().label("latitudes"))
                 .order_by(Station.name))
    with runtime.engine.connect() as conn:
        mine = DriverStatement(statement, {}).all(conn, {})
        theirs = conn.execute(statement).all()
    assert [tuple(row) for row in mine] == [tuple(row) for row in theirs]
    assert [(row.name, row.latitude, row.stations) for row in mine] == [("深圳阳光驿站", None, 2), ("苏州阳光驿站", 31.3, 2)]


def test_through_a_session_what_it_has_pending_is_seen_first(session):
    """Given a session, a read sees what the session holds unflushed, as ``Session.execute``
    would (a handler that changed an ORM object and then reads on the driver)."""
    names = DriverStatement(select(Station.name).order_by(Station.name), {})
    assert names.all(session, {}) == []
    session.add(Station(name="苏州阳光驿站", province="江苏", city="苏州", address="工业园区1号",
                        hotline="0512-55500100", hours="9:00-17:00"))
    assert [row.name for row in names.all(session, {})] == ["苏州阳光驿站"]
    session.rollback()
    assert names.all(session, {}) == []


def test_the_same_message_twice_is_refused_and_rolled_back(runtime, session):
    with runtime.engine.connect() as conn:
        assert record(conn, _row(1))
        conn.commit()
        assert not record(conn, _row(1, query_key="q2"))  # WeChat's retry, recorded by another worker
        assert conn.scalar(select(func.count()).select_from(InboundMessage)) == 1


def test_a_broken_constraint_is_sqlalchemys_integrity_error(runtime):
    insert_row = DriverStatement(InboundMessage.__table__.insert().inline(), _row(0))
    with runtime.engine.connect() as conn:
        insert_row.write(conn, _row(1))
        with pytest.raises(IntegrityError):
            insert_row.write(conn, _row(1))


def test_read_values_are_those_connection_execute_gives(runtime, session):
    session.add(Follower(openid="oZhang", first_seen_at=NOW, last_interaction_at=NOW,
                         window_expires_at=NOW + dt.timedelta(hours=48), window_budget=5))
    session.add(DialogState(openid="oZhang", dialog="guided_update", state="ask_city",
                            data={"城市": "苏州", "n": [1, 2]}, expires_at=NOW + dt.timedelta(minutes=30)))
    session.commit()
    statement = (select(Follower.last_interaction_at, Follower.window_expires_at, Follower.window_budget,
                        DialogState.data, DialogState.expires_at)
                 .join(DialogState, DialogState.openid == Follower.openid)
                 .where(Follower.openid == bindparam("openid")))
    with runtime.engine.connect() as conn:
        mine = DriverStatement(statement, {"openid": ""}).first(conn, {"openid": "oZhang"})
        theirs = conn.execute(statement, {"openid": "oZhang"}).one()
        assert tuple(mine) == tuple(theirs)
        assert mine.data == {"城市": "苏州", "n": [1, 2]} and mine.window_expires_at.tzinfo is not None
        assert DriverStatement(statement, {"openid": ""}).first(conn, {"openid": "oNobody"}) is None


def test_the_sender_is_read_inside_sqlalchemys_transaction(runtime):
    with runtime.engine.connect() as conn, runtime.session(bind=conn) as s:
        sender = read_sender(conn, s, "oNobody", delivery=("oNobody:1", "q1", "h"))
        assert sender.follower is None and sender.member is None and not sender.recorded
        assert conn.in_transaction()  # the caller's commit or rollback ends it


def test_on_sqlite_a_recording_holds_the_write_lock_until_its_commit(runtime, db_backend, db_url):
    """The lock other processes (gunicorn's other worker, the CLI) wait on is taken by the
    driver's INSERT as by any write, and given back at the commit."""
    if db_backend != "sqlite":
        pytest.skip("the write lock is SQLite's")
    lock_file = os.open(db_url.removeprefix("sqlite:///") + ".write-lock", os.O_RDWR | os.O_CREAT)
    try:
        with runtime.engine.connect() as conn:
            assert record(conn, _row(1))
            with pytest.raises(BlockingIOError):  # another process could not write now
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            conn.commit()
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
        fcntl.flock(lock_file, fcntl.LOCK_UN)
    finally:
        os.close(lock_file)
