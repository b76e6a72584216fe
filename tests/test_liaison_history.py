"""A member's red liaison changes with its history kept (liaison_assignments, member_changes),
the member's open tickets going to the new liaison, and both liaisons and the member told —
on SQLite and PostgreSQL."""
import datetime as dt
import secrets

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models.db import make_engine
from models.delivery.outbox import OutboxMessage
from models.ledger_import import import_members
from models.liaisons import (
    Change,
    LiaisonAssignment,
    assignments_of,
    change_liaisons,
    record_changes,
)
from models.member import Liaison, Member, MemberChange
from models.migrations import schema
from models.tickets import Ticket, history
from tests.conftest import START
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres
LATER = START + dt.timedelta(days=3)


def branch_with_two_liaisons(session):
    branch = make_branch(session)
    li = make_member(session, branch, name="李某", phone="13900000001", openid="oKite_liaison_0001", status="home")
    wang = make_member(session, branch, name="王某", phone="13900000002", openid="oKite_liaison_0002", status="home")
    first, second = Liaison(member_id=li.id, branch_id=branch.id), Liaison(member_id=wang.id, branch_id=branch.id)
    session.add_all([first, second])
    session.flush()
    return branch, first, second


def ticket(session, member, liaison, number, status="new", holder_id=None):
    t = Ticket(number=number, member_id=member.id, liaison_id=liaison.id if liaison else None, topic="wages",
               description="老板拖欠了三个月工资", status=status, created_at=START, due_at=START + dt.timedelta(days=1),
               holder_id=holder_id if holder_id is not None else (liaison.member_id if liaison else None))
    session.add(t)
    session.flush()
    return t


def outbox(session, purpose):
    return {(m.openid, m.payload["content"]) for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == purpose, OutboxMessage.status != "dropped"))}


def test_each_change_closes_the_open_assignment_and_opens_the_next(session):
    branch, first, second = branch_with_two_liaisons(session)
    member = make_member(session, branch, phone="13800001234")
    record_changes(session, [Change(member.id, None, first.id)], source="assign", changed_by="命令行", now=START)
    record_changes(session, [Change(member.id, first.id, second.id)], source="console", changed_by="张书记", now=LATER)
    session.commit()
    assert [(a.liaison_id, a.from_at, a.until_at, a.source, a.changed_by) for a in assignments_of(session, member.id)] == [
        (first.id, START, LATER, "assign", "命令行"), (second.id, LATER, None, "console", "张书记")]
    assert session.get(Member, member.id).liaison_id == second.id
    changes = session.scalars(select(MemberChange).order_by(MemberChange.id)).all()
    assert [(c.field, c.old_value, c.new_value, c.source, c.changed_by) for c in changes] == [
        ("liaison_id", None, str(first.id), "console", "命令行"),
        ("liaison_id", str(first.id), str(second.id), "console", "张书记")]


def test_a_member_never_has_two_open_assignments(session):
    branch, first, second = branch_with_two_liaisons(session)
    member = make_member(session, branch)
    record_changes(session, [Change(member.id, None, first.id)], source="assign", changed_by="命令行", now=START)
    session.add(LiaisonAssignment(member_id=member.id, liaison_id=second.id, from_at=LATER, source="console",
                                  changed_by="x"))
    with pytest.raises(Exception, match="(?i)unique"):
        session.flush()


def test_open_tickets_move_with_the_member_and_both_liaisons_and_the_member_are_told(session):
    branch, first, second = branch_with_two_liaisons(session)
    member = make_member(session, branch, name="张某", phone="13800001234", openid="oKite_member_0001",
                         current_province="江苏", current_city="苏州")
    record_changes(session, [Change(member.id, None, first.id)], source="ledger", changed_by="台账.xlsx", now=START)
    secretary = make_member(session, branch, name="赵书记", phone="13700000001")
    waiting = ticket(session, member, first, "Q20261129001")
    with_secretary = ticket(session, member, first, "Q20261129002", status="claimed", holder_id=secretary.id)
    settled = ticket(session, member, first, "Q20261129003", status="resolved")
    handover = change_liaisons(session, [Change(member.id, first.id, second.id)], source="console",
                               changed_by="张书记", now=LATER, template_id="kiteline_liaison_handover")
    session.commit()
    session.expire_all()
    assert (handover.tickets, handover.told, handover.untold, handover.members_told) == (
        ["Q20261129001", "Q20261129002"], ["王某", "李某"], [], 1)
    person = {t.number: (t.liaison_id, t.holder_id) for t in session.scalars(select(Ticket))}
    assert person == {"Q20261129001": (second.id, second.member_id),
                      "Q20261129002": (second.id, secretary.id),  # the secretary keeps what they hold
                      "Q20261129003": (first.id, first.member_id)}  # settled: stays where it was
    assert [(e.kind, e.actor_kind, e.actor_id, e.at, e.note) for e in history(session, waiting)][-1] == (
        "transferred", "system", None, LATER, "红色联络员调整（人工调整，张书记）：李某 → 王某")
    assert [e.kind for e in history(session, with_secretary)] == ["transferred"]
    assert [e.kind for e in history(session, settled)] == []
    assert outbox(session, "liaison_handover") == {
        ("oKite_liaison_0002", "【联络员交接】以下1名党员今后由您联系（人工调整），请抽空电话联系一下：\n"
                               "1. 张某 13800001234，在江苏苏州，原联络员李某\n"
                               "转给您的未办结求助2件，答复请发“编号 + 答复内容”：\n"
                               "1. Q20261129001 张某欠薪（待接单）\n2. Q20261129002 张某欠薪（已接单）"),
        ("oKite_liaison_0001", "【联络员交接】以下1名党员已改由其他联络员联系（人工调整），不用再跟进：\n"
                               "1. 张某（138****1234）→ 王某\n"
                               "您手上这2件未办结的求助一并转交，不用再答复：\n"
                               "1. Q20261129001 张某 → 王某\n2. Q20261129002 张某 → 王某")}
    assert outbox(session, "liaison_changed") == {
        ("oKite_member_0001", "您的红色联络员换成了王某（电话 13900000002）。有困难可以直接找王某，也可以随时发“求助”加上情况。"
                              "您还没办完的求助（编号 Q20261129001、Q20261129002）也交给了王某接着办。")}
    template = session.scalar(select(OutboxMessage).where(OutboxMessage.openid == "oKite_liaison_0002"))
    assert template.payload["fallback_template"]["data"] == {
        "thing1": {"value": "1名党员改由您联系"}, "thing2": {"value": "白杨村党支部"},
        "time3": {"value": "2026-12-02 09:00"}, "thing4": {"value": "回复任意消息查看名单"}}


def test_a_newer_change_replaces_the_member_notice_still_waiting(session):
    branch, first, second = branch_with_two_liaisons(session)
    member = make_member(session, branch, openid="oKite_member_0001")
    change_liaisons(session, [Change(member.id, None, first.id)], source="assign", changed_by="命令行", now=START,
                    template_id=None)
    change_liaisons(session, [Change(member.id, first.id, second.id)], source="console", changed_by="命令行",
                    now=LATER, template_id=None)
    session.commit()
    assert [(m.status, m.payload["content"][:13]) for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "liaison_changed").order_by(OutboxMessage.id))] == [
        ("dropped", "您的红色联络员是李某（电话"), ("pending", "您的红色联络员换成了王某（")]


def test_unbound_liaisons_are_named_to_phone_and_members_created_are_not_told(session):
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    old = make_member(session, branch, openid="oKite_member_0001")
    new = make_member(session, branch, openid="oKite_member_0002")
    handover = change_liaisons(session, [Change(old.id, None, liaison.id), Change(new.id, None, liaison.id, created=True)],
                               source="ledger", changed_by="台账.xlsx", now=START, template_id=None)
    assert (handover.told, handover.untold, handover.members_told) == ([], ["李某"], 1)
    assert outbox(session, "liaison_changed") == {
        ("oKite_member_0001", "您的红色联络员是李某（电话 %s）。有困难可以直接找李某，也可以随时发“求助”加上情况。" % person.phone)}
    assert session.scalar(select(func.count()).select_from(LiaisonAssignment)) == 2


def test_the_ledger_column_keeps_the_history_and_moves_open_tickets(session):
    rows = [["姓名", "手机号", "所属党支部", "红色联络员"],
            ["张某", "13800001234", "红柳镇白杨村党支部", "李某 13900000001"]]
    import_members(session, rows, district="示例区", create_orgs=True, now=START, changed_by="台账.xlsx")
    member = session.scalar(select(Member).where(Member.name == "张某"))
    first = member.liaison
    ticket(session, member, first, "Q20261129001")
    rows[1][3] = "王某 13900000002"
    report = import_members(session, rows, district="示例区", create_orgs=True, now=LATER, changed_by="台账2.xlsx",
                            handover_template="kiteline_liaison_handover")
    session.commit()
    assert [(a.liaison_id == first.id, a.from_at, a.until_at, a.source, a.changed_by)
            for a in assignments_of(session, member.id)] == [
        (True, START, LATER, "ledger", "台账.xlsx"), (False, LATER, None, "ledger", "台账2.xlsx")]
    assert session.scalar(select(Ticket)).liaison.member.name == "王某"
    assert report.summary().splitlines()[-4:] == [
        "新指定红色联络员：王某", "新加入名册的联络员（在家党员）：王某",
        "未办结求助 1 件随党员转给新联络员：Q20261129001", "没有绑定微信、请电话告知的联络员：王某、李某"]


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


def test_the_migration_backfills_every_current_assignment(empty_url):
    engine = make_engine(empty_url)
    schema.upgrade(engine, "t1ck3td3sk01")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organizations (id, name, kind) VALUES (1, '白杨村党支部', 'branch')"))
        conn.execute(text("INSERT INTO members (id, name, branch_id, status, created_at) VALUES "
                          "(1, '李某', 1, 'home', :t), (2, '张某', 1, 'away', :t), (3, '王某', 1, 'away', :t), "
                          "(4, '赵某', 1, 'away', :t)"), {"t": START})
        conn.execute(text("INSERT INTO liaisons (id, member_id, branch_id) VALUES (1, 1, 1)"))
        conn.execute(text("UPDATE members SET liaison_id = 1 WHERE id IN (2, 3)"))
        conn.execute(text("INSERT INTO member_changes (member_id, field, old_value, new_value, source, changed_at) "
                          "VALUES (3, 'liaison_id', NULL, '1', 'import', :t)"), {"t": LATER})
    schema.upgrade(engine)
    with Session(engine) as s:
        rows = [(a.member_id, a.liaison_id, a.from_at, a.until_at, a.source, a.changed_by)
                for a in s.scalars(select(LiaisonAssignment).order_by(LiaisonAssignment.member_id))]
    engine.dispose()
    assert rows == [(2, 1, START, None, "backfill", None), (3, 1, LATER, None, "backfill", None)]
