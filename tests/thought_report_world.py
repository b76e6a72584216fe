"""The people of the thought-report conversations (tests/test_thought_reports*.py): two
branches of 红柳镇, each with a bound secretary, the township's contact, a liaison and members."""
from __future__ import annotations

from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.member import Liaison
from models.points import PointsEntry
from models.thought_reports import ThoughtReport
from tests.factories import make_branch, make_member

MEMBER, QIAN, LIAISON = "oKite_member_0001", "oKite_member_0002", "oKite_liaison_0001"
SECRETARY, OTHER_SECRETARY, TOWNSHIP = "oKite_secretary_0001", "oKite_secretary_0002", "oKite_township_0001"
REPORT = ("这个季度我在苏州的工地上班，工资按时发了。业余时间坚持打开学习资料，学习了新修订的纪律处分条例，"
          "觉得自己在理论学习上还要加把劲，请组织监督。")


def thought_world(session):
    """白杨村党支部 (secretary 王某, liaison 李某, members 张某 and 钱某 bound, 周某 not) and 红星村党支部
    (secretary 赵某), in 红柳镇 (contact 孙某, on 红星村's roster). Everyone named is bound but 周某;
    nobody has written yet."""
    branch = make_branch(session)
    township = branch.parent
    other = make_branch(session, name="红星村党支部")
    other.parent = township
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    other.secretary_name, other.secretary_phone = "赵某", "13700000002"
    township.secretary_name, township.secretary_phone = "孙某", "13700000009"
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    make_member(session, other, name="赵某", phone="13700000002", openid=OTHER_SECRETARY, status="home")
    make_member(session, other, name="孙某", phone="13700000009", openid=TOWNSHIP, status="home")
    liaison = make_member(session, branch, name="李某", phone="13900000001", openid=LIAISON, status="home")
    session.add(Liaison(member_id=liaison.id, branch_id=branch.id))
    member = make_member(session, branch, name="张某", phone="13800001234", openid=MEMBER)
    make_member(session, branch, name="钱某", phone="13800001235", openid=QIAN)
    make_member(session, branch, name="周某", phone="13800001236")
    session.commit()
    return member


def inbox(app, openid) -> list[tuple[str, str]]:
    """What ``openid`` received from the sandbox: (channel, text) in order."""
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def reports(session) -> list[tuple]:
    """Every report stored: number, member, period, text, acknowledged by whom, comment."""
    session.expire_all()
    return [(r.number, r.member.name, r.period, r.text, r.acknowledger.name if r.acknowledger else None, r.comment)
            for r in session.scalars(select(ThoughtReport).order_by(ThoughtReport.id))]


def points(session) -> list[tuple]:
    """The points ledger: (member, rule, source kind, source id, points)."""
    session.expire_all()
    return [(e.member_id, e.rule, e.source_kind, e.source_id, e.delta)
            for e in session.scalars(select(PointsEntry).order_by(PointsEntry.id))]


def queued(session, purpose) -> list[OutboxMessage]:
    """The outbox rows of ``purpose``, in order."""
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == purpose)
                                .order_by(OutboxMessage.id)))
