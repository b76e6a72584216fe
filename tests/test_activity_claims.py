"""A good deed told in chat becomes a claim; the member's liaison (or the branch secretary, or the
township contact) approves or rejects it by chat, approval earns points in the ledger, and the
member is told either way. Bad input — a claim twice, a decision twice, a number not theirs —
gets a clear reply and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.member import Liaison, Member
from models.points import ActivityClaim, PointsEntry
from models.points.claims import decide
from tests.conftest import START
from tests.factories import make_branch, make_member

MEMBER, LIAISON, OTHER_LIAISON = "oKite_member_0001", "oKite_liaison_0001", "oKite_liaison_0002"
SECRETARY, TOWNSHIP = "oKite_secretary_0001", "oKite_township_0001"
DEED = "过年回村参加了义务清扫"
FILED = ("已收到您报的志愿服务（编号 H20261129001）：“过年回村参加了义务清扫”。已转给您的红色联络员李某审核，"
         "审核后我会告诉您结果，通过后记入积分（每次 3 分）。谢谢您为家乡、为身边人做的好事！")
NOTICE = ("【志愿服务待审核 H20261129001】白杨村党支部党员张某（电话 13800001234）报：“过年回村参加了义务清扫”。"
          "核实后请回复“审核 H20261129001 通过”；不属实请回复“审核 H20261129001 不通过 理由”，我会告诉本人。")
APPROVED = ("您报的志愿服务（编号 H20261129001：“过年回村参加了义务清扫”）李某审核通过了，记入积分 3 分。"
            "谢谢您为家乡、为身边人做的好事！发“我的积分”可以查看。")


@pytest.fixture
def people(session):
    """白杨村党支部 (secretary 王某, liaison 李某, member 张某) and 红星村党支部 (liaison 赵某), both in
    红柳镇 (contact 孙某). The liaison, secretary and township contact are bound; only the
    liaison has written lately."""
    branch = make_branch(session)
    township = branch.parent
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    township.secretary_name, township.secretary_phone = "孙某", "13700000009"
    other = make_branch(session, name="红星村党支部")
    other.parent = township
    liaison = make_member(session, branch, name="李某", phone="13900000001", openid=LIAISON, status="home")
    session.add(Liaison(member_id=liaison.id, branch_id=branch.id))
    far = make_member(session, other, name="赵某", phone="13900000002", openid=OTHER_LIAISON, status="home")
    session.add(Liaison(member_id=far.id, branch_id=other.id))
    make_member(session, branch, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    make_member(session, other, name="孙某", phone="13700000009", openid=TOWNSHIP, status="home")
    session.flush()
    member = make_member(session, branch, name="张某", phone="13800001234", openid=MEMBER,
                         liaison_id=session.scalar(select(Liaison.id).where(Liaison.member_id == liaison.id)))
    session.commit()
    return member


def inbox(app, openid) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def claims(session) -> list[tuple]:
    session.expire_all()
    return [(c.number, c.status, c.decided_by is not None, c.reason) for c in
            session.scalars(select(ActivityClaim).order_by(ActivityClaim.id))]


def ledger(session) -> list[tuple]:
    session.expire_all()
    return [(e.member_id, e.rule, e.source_kind, e.source_id, e.delta, e.approved_by, e.created_at)
            for e in session.scalars(select(PointsEntry).order_by(PointsEntry.id))]


@pytest.mark.postgres
def test_a_deed_is_sent_to_the_liaison_whose_approval_earns_points_and_the_member_is_told(
        chat, make_chat, session, app, send, people):
    liaison = make_chat(LIAISON)
    liaison.say("你好")  # the liaison's window is open: the notice goes as a customer-service text
    assert chat.say(DEED) == FILED
    notice = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "activity_claim"))
    assert notice.payload["fallback_template"] == {"template_id": "kiteline_activity_claim", "data": {
        "thing1": {"value": "张某申报志愿服务"}, "character_string2": {"value": "H20261129001"},
        "time3": {"value": "2026-11-29 09:00"}, "thing4": {"value": "请核实后回复审核结果"}}}
    send()
    assert inbox(app, LIAISON) == [("custom", NOTICE)]

    liaison.advance(hours=2)
    assert liaison.say("审核 H20261129001 通过") == "已审核通过（编号 H20261129001），给张某记入志愿服务积分 3 分，已告诉本人。"
    liaison_id = people.liaison.member_id
    assert claims(session) == [("H20261129001", "approved", True, None)]
    assert ledger(session) == [(people.id, "activity", "activity_claim", 1, 3, liaison_id,
                                START.replace(hour=3))]
    send()
    assert inbox(app, MEMBER) == [("custom", APPROVED)]
    assert chat.say("我的积分").startswith("您现在共有 3 分，本月（11月）得了 3 分：志愿服务 3 分。\n"
                                       "最近的积分：\n· 11月29日 志愿服务 +3 分\n")


def test_a_rejection_with_a_reason_reaches_the_member_and_earns_nothing(chat, make_chat, session, app, send, people):
    chat.say(DEED)
    assert make_chat(LIAISON).say("审核 H20261129001 不通过 照片看不出是本人") == (
        "已记下不通过（编号 H20261129001），并把理由告诉了张某。")
    send()
    assert inbox(app, MEMBER) == [("custom", "您报的志愿服务（编号 H20261129001：“过年回村参加了义务清扫”）没有通过审核。"
                                             "李某说：照片看不出是本人。有疑问可以直接联系李某（电话 13900000001）。")]
    assert claims(session) == [("H20261129001", "rejected", True, "照片看不出是本人")]
    assert ledger(session) == []
    assert chat.say("H20261129001 为啥没通过") == (
        "您报的志愿服务（编号 H20261129001）没有通过审核，理由：照片看不出是本人。有疑问可以问问联络员。")


def test_the_same_words_while_pending_are_the_same_claim(chat, session, people):
    chat.say(DEED)
    chat.advance(minutes=5)
    assert chat.say(DEED) == ("这件事您已经报过了（编号 H20261129001），正在等李某审核，不用再报。审核后我会告诉您结果。")
    assert len(claims(session)) == 1
    assert session.scalar(select(OutboxMessage.id).where(OutboxMessage.id > 1)) is None  # one notice


def test_the_same_deed_once_approved_earns_no_second_time(chat, make_chat, session, people):
    """Seen in a trial: the same words sent again after approval became a second claim and
    earned the points twice."""
    chat.say(DEED)
    make_chat(LIAISON).say("审核 H20261129001 通过")
    chat.advance(days=1)
    assert chat.say(DEED) == ("这件事您已经报过、也审核通过了（编号 H20261129001），积分已经记上，不用再报。"
                              "做了新的好事，写清什么时候、在哪里再发给我。")
    assert [number for number, *_ in claims(session)] == ["H20261129001"]
    assert [points for *_, points, _, _ in ledger(session)] == [3]


@pytest.mark.parametrize("text", [
    "审核H20261129001通过", "审核 h20261129001 同意", "审核　２０２６１１２９００１　通过", "H20261129001 通过",
    "审核 编号H20261129001 通过了", "审批 H20261129001，属实",
])
def test_the_verdict_is_read_however_it_is_written(chat, make_chat, session, people, text):
    chat.say(DEED)
    assert make_chat(LIAISON).say(text).startswith("已审核通过（编号 H20261129001）")
    assert [points for *_, points, _, _ in ledger(session)] == [3]


def test_a_decision_twice_or_a_number_not_theirs_changes_nothing(chat, make_chat, session, people):
    chat.say(DEED)
    assert make_chat(OTHER_LIAISON).say("审核 H20261129001 通过") == (
        "没有找到您能审核的编号 H20261129001 的志愿服务申报，请核对编号再发。发“审核”可以看等您审核的申报。")
    assert claims(session) == [("H20261129001", "pending", False, None)]
    liaison = make_chat(LIAISON)
    assert liaison.say("审核 H20261129009 通过").startswith("没有找到您能审核的编号 H20261129009 的志愿服务申报")
    liaison.say("审核 H20261129001 通过")
    liaison.advance(hours=1)
    already = "编号 H20261129001 的志愿服务申报已经审核过了（李某11月29日审核通过），不用再发。"
    assert liaison.say("审核 H20261129001 通过") == already
    assert liaison.say("审核 H20261129001 不通过 搞错了") == already
    assert claims(session) == [("H20261129001", "approved", True, None)] and len(ledger(session)) == 1
    assert liaison.say("审核 H20261129001 看看") == already
    assert liaison.say("审核 H20261129001") == already


def test_a_member_no_longer_on_wechat_is_to_be_phoned(chat, make_chat, session, people):
    chat.say(DEED)
    chat.unfollow()
    assert make_chat(LIAISON).say("审核 H20261129001 通过") == (
        "已审核通过（编号 H20261129001），给张某记入志愿服务积分 3 分，张某没有绑定微信，请电话告诉本人（电话 13800001234）。")
    assert session.scalar(select(OutboxMessage.id).where(OutboxMessage.purpose == "activity_decision")) is None


def test_a_verdict_not_understood_is_asked_again(chat, make_chat, session, people):
    chat.say(DEED)
    assert make_chat(LIAISON).say("审核 H20261129001 明天再说") == (
        "没看懂审核结果。通过请回复“审核 H20261129001 通过”，不通过请回复“审核 H20261129001 不通过 理由”。")
    assert claims(session) == [("H20261129001", "pending", False, None)]


def test_a_reviewer_sees_what_waits_and_one_claim(chat, make_chat, session, people):
    liaison = make_chat(LIAISON)
    assert liaison.say("审核") == "现在没有等您审核的志愿服务申报。有党员申报时我会马上通知您。"
    chat.say(DEED)
    chat.advance(days=1)
    chat.say("昨天帮隔壁大爷把煤扛上了五楼")
    assert liaison.say("审核") == (
        "等您审核的志愿服务申报（2 件，最早的在前）：\n· H20261129001 张某（11月29日）：“过年回村参加了义务清扫”\n"
        "· H20261130001 张某（11月30日）：“昨天帮隔壁大爷把煤扛上了五楼”\n"
        "通过请回复“审核 编号 通过”，不通过请回复“审核 编号 不通过 理由”。")
    assert liaison.say("审核 H20261130001") == (
        "编号 H20261130001：张某（白杨村党支部，电话 13800001234）11月30日报：“昨天帮隔壁大爷把煤扛上了五楼”。"
        "通过请回复“审核 H20261130001 通过”，不通过请回复“审核 H20261130001 不通过 理由”。")
    assert make_chat(OTHER_LIAISON).say("审核") == "现在没有等您审核的志愿服务申报。有党员申报时我会马上通知您。"


@pytest.mark.postgres
def test_without_a_bound_liaison_the_secretary_is_sent_it_and_the_township_contact_may_decide(
        chat, make_chat, session, app, send, people):
    people.liaison.member.openid = None
    session.commit()
    secretary = make_chat(SECRETARY)
    secretary.follow()
    secretary.advance(minutes=2)  # what following opened has closed
    assert chat.say(DEED) == ("已收到您报的志愿服务（编号 H20261129001）：“过年回村参加了义务清扫”。已转给支部书记王某审核，"
                              "审核后我会告诉您结果，通过后记入积分（每次 3 分）。谢谢您为家乡、为身边人做的好事！")
    send()  # the template goes at once
    assert inbox(app, SECRETARY)[-1] == ("template", "thing1: 张某申报志愿服务\ncharacter_string2: H20261129001\n"
                                                     "time3: 2026-11-29 09:02\nthing4: 请核实后回复审核结果")
    secretary.say("收到")
    send()
    assert inbox(app, SECRETARY)[-1] == ("custom", NOTICE)
    assert make_chat(TOWNSHIP).say("审核 H20261129001 通过").startswith("已审核通过（编号 H20261129001），给张某记入")
    assert secretary.say("审核 H20261129001 通过").startswith("编号 H20261129001 的志愿服务申报已经审核过了（孙某")


def test_with_nobody_to_send_it_to_the_member_is_told_whom_to_tell(chat, session, people):
    people.liaison.member.openid = None
    people.branch.secretary_name = people.branch.parent.secretary_name = None
    session.commit()
    assert chat.say(DEED) == (
        "已收到您报的志愿服务（编号 H20261129001）：“过年回村参加了义务清扫”。负责审核的联络员和支部书记还没有开通微信通知，"
        "请把编号告诉他们，方便审核。请联系您的红色联络员李某（电话 13900000001），也可以拨打服务热线 0471-12345678"
        "（工作日 9:00-17:30）。")
    assert session.scalar(select(OutboxMessage)) is None


def test_a_member_outside_the_window_hears_the_decision_on_their_next_message(
        chat, make_chat, session, app, send, people):
    chat.say(DEED)
    chat.advance(hours=49)  # the member's window has closed
    make_chat(LIAISON).say("审核 H20261129001 通过")
    send()
    assert inbox(app, MEMBER) == []  # no template for it: it waits
    chat.say("你好")
    send()
    assert inbox(app, MEMBER) == [("custom", APPROVED)]


def test_past_the_month_cap_approval_earns_nothing_and_says_so(chat, make_chat, session, app, send, people, settings):
    settings.points.monthly_cap["activity"] = 4
    liaison = make_chat(LIAISON)
    for n, deed in enumerate(("周末参加了无偿献血", "帮村里修了路灯", "给老家小学捐了二十本书"), start=1):
        chat.say(deed)
        liaison.say(f"审核 H2026112900{n} 通过")
    assert [points for *_, points, _, _ in ledger(session)] == [3, 1]
    assert liaison.last_reply == ("已审核通过（编号 H20261129003）。张某的志愿服务积分已到上限，这次没有加分；已告诉本人。")
    send()
    assert inbox(app, MEMBER)[-1] == ("custom", "您报的志愿服务（编号 H20261129003：“给老家小学捐了二十本书”）李某审核通过了，"
                                                "志愿服务积分已经到上限（每月最多 4 分），这次没有再加分。谢谢您为家乡、为身边人做的好事！")


def test_asking_how_to_take_part_or_naming_the_subject_files_nothing(chat, session, people):
    assert chat.say("有没有志愿服务活动").startswith("志愿服务活动由支部和当地阳光驿站组织")
    for text in ("志愿服务", "做了好事怎么报"):
        assert chat.say(text) == ("谢谢您参加志愿服务、为家乡做好事！想申报的话，直接把做了什么、什么时候、在哪里发给我，"
                                  "例如“过年回村参加了义务清扫”，我转给您的红色联络员审核，通过后记入积分（每次 3 分）。")
    assert claims(session) == []


def test_review_is_the_reviewers_and_nobody_reviews_their_own(chat, make_chat, session, people):
    chat.say(DEED)
    assert chat.say("审核 H20261129001 通过") == "您报的志愿服务（编号 H20261129001）正在等李某审核，审核后我会告诉您结果。"
    assert chat.say("审核") == ("“审核”是红色联络员和支部书记审核志愿服务申报用的。您报的志愿服务，审核后我会告诉您结果；"
                              "发“我的积分”可以看还在等审核的申报。")
    assert chat.say("H20261129009 审核了吗") == (
        "没有找到您报的编号 H20261129009 的志愿服务申报，请核对编号。发“我的积分”可以看还在等审核的申报。")
    # the liaison's own deed goes to the secretary; the liaison cannot approve it
    liaison = make_chat(LIAISON)
    assert "已转给支部书记王某审核" in liaison.say("帮村里五保户修了房顶")
    assert liaison.say("审核 H20261129002 通过") == "编号 H20261129002 是您自己报的志愿服务，不能自己审核，由支部其他同志审核。"
    assert liaison.say("H20261129002 审核了吗") == "您报的志愿服务（编号 H20261129002）正在等王某审核，审核后我会告诉您结果。"
    assert claims(session)[1] == ("H20261129002", "pending", False, None)



@pytest.mark.postgres
def test_two_reviewers_deciding_at_once_decide_it_once(chat, session, people, runtime, settings):
    chat.say(DEED)
    with runtime.session() as first, runtime.session() as second:
        mine = first.scalar(select(ActivityClaim))
        theirs = second.scalar(select(ActivityClaim))  # read before the first decision lands
        liaison, secretary = (s.scalar(select(Member).where(Member.name == name))
                              for s, name in ((first, "李某"), (second, "王某")))
        assert decide(first, mine, liaison, True, None, START, points=settings.points).points == 3
        first.commit()
        assert decide(second, theirs, secretary, False, "不属实", START, points=settings.points) is None
        second.commit()
    assert claims(session) == [("H20261129001", "approved", True, None)] and len(ledger(session)) == 1
