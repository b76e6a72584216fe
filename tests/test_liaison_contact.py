"""Regular contact (定时联系): a liaison logs "联系 姓名 情况" from WeChat, an answer to a help
request counts too, and each month every liaison is sent their members nobody contacted lately."""
import datetime as dt

import pytest
from sqlalchemy import select

from models.delivery.outbox import OutboxMessage
from models.liaison_contacts import LiaisonContact, record_contact
from models.member import Liaison, Member
from scheduler.jobs import send_contact_plans
from tests.conftest import START
from tests.factories import make_branch, make_member

LIAISON = "oKite_liaison_0001"
OTHER_LIAISON = "oKite_liaison_0002"


def setup_liaison(session, members=(("张某", "13800001234"),), openid=LIAISON, name="李某", phone="13900000001",
                  branch=None):
    """A liaison (bound to ``openid``) and their away members, each with a city on file."""
    branch = branch or make_branch(session)
    person = make_member(session, branch, name=name, phone=phone, openid=openid, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    made = [make_member(session, branch, name=who, phone=tel, liaison_id=liaison.id, current_province="江苏",
                        current_city="苏州") for who, tel in members]
    session.commit()
    return liaison, made


def contacts(session):
    session.expire_all()
    return [(c.member_id, c.by_member_id, c.at, c.kind, c.note)
            for c in session.scalars(select(LiaisonContact).order_by(LiaisonContact.id))]


@pytest.mark.postgres
@pytest.mark.parametrize(("said", "kind", "note"), [
    ("联系 张某 电话聊了工作情况", "phone", "电话聊了工作情况"),
    ("联系了张某 电话聊了工作情况", "phone", "电话聊了工作情况"),
    ("联系张某", "phone", None),
    ("今天走访了张某 家里都挺好", "visit", "家里都挺好"),
    ("微信联系 张某 问了孩子上学的事", "wechat", "问了孩子上学的事"),
    ("联系 张某：视频聊了一会", "wechat", "视频聊了一会"),
    ("联系 张某 上门看了看他父母", "visit", "上门看了看他父母"),
    ("刚刚联系上了张某，他说一切都好", "phone", "他说一切都好"),
])
def test_a_liaison_logs_a_contact_in_their_own_words(make_chat, session, said, kind, note):
    liaison, (zhang,) = setup_liaison(session)
    reply = make_chat(LIAISON).say(said)
    assert reply.startswith("已记下：11月29日")
    assert reply.endswith("30天内的定时联系名单不再列出张某。")
    assert contacts(session) == [(zhang.id, liaison.member_id, START, kind, note)]


def test_the_reply_says_what_was_logged(make_chat, session):
    setup_liaison(session)
    assert make_chat(LIAISON).say("联系了张某 电话聊了工作情况") == (
        "已记下：11月29日电话联系张某：电话聊了工作情况。30天内的定时联系名单不再列出张某。")


def test_a_name_not_theirs_is_named_and_nothing_is_logged(make_chat, session):
    setup_liaison(session)
    branch_member = session.scalar(select(Member).where(Member.name == "张某"))
    make_member(session, branch_member.branch, name="王某")  # of the branch, not assigned to them
    session.commit()
    liaison = make_chat(LIAISON)
    assert liaison.say("联系 王某 电话聊了") == "您联系的党员里没有“王某”，请核对姓名再发，如“联系 张某 电话聊了工作情况”。"
    assert liaison.say("联系 赵某") == "您联系的党员里没有“赵某”，请核对姓名再发，如“联系 张某 电话聊了工作情况”。"
    assert contacts(session) == []


def test_a_name_two_of_their_members_share_is_asked_with_phones_masked(make_chat, session):
    liaison, (first, second) = setup_liaison(session, (("张某", "13800001234"), ("张某", "13800005678")))
    chat = make_chat(LIAISON)
    assert chat.say("联系 张某 电话聊了工作情况") == (
        "您联系的党员里有2位张某：\n1. 张某（138****1234，江苏苏州）\n2. 张某（138****5678，江苏苏州）\n"
        "请在姓名后加手机尾号再发，如“联系 张某 1234 电话聊了工作情况”。")
    assert contacts(session) == []
    assert chat.say("联系 张某 5678 电话聊了工作情况").startswith("已记下：11月29日电话联系张某：电话聊了工作情况。")
    assert contacts(session) == [(second.id, liaison.member_id, START, "phone", "电话聊了工作情况")]


def test_the_longest_name_that_fits_is_the_member(make_chat, session):
    liaison, (zhang, zhangming) = setup_liaison(session, (("张某", "13800001234"), ("张某明", "13800005678")))
    make_chat(LIAISON).say("联系了张某明电话聊了")
    assert contacts(session) == [(zhangming.id, liaison.member_id, START, "phone", "电话聊了")]


def test_a_member_saying_it_is_no_command_for_them(chat, session):
    liaison, (zhang,) = setup_liaison(session)
    zhang.openid = "oKite_member_0001"
    session.commit()
    assert not chat.say("联系 张某 电话聊了工作情况").startswith("已记下")
    assert contacts(session) == []


def test_a_liaisons_answer_to_a_help_request_counts_as_contact(chat, make_chat, session):
    liaison, (zhang,) = setup_liaison(session)
    zhang.openid = "oKite_member_0001"
    session.commit()
    chat.say("求助 老板拖欠了三个月工资")
    make_chat(LIAISON).say("Q20261129001 已经联系了 明天陪他去劳动监察大队")
    make_chat(LIAISON).say("Q20261129001 已解决")
    assert contacts(session) == [
        (zhang.id, liaison.member_id, START, "reply", "答复求助 Q20261129001：已经联系了 明天陪他去劳动监察大队"),
        (zhang.id, liaison.member_id, START, "reply", "办结求助 Q20261129001")]


def test_the_liaisons_help_lists_the_command(make_chat, session):
    setup_liaison(session)
    assert "\n· 联系 姓名 情况 —— 记下联系过的党员" in make_chat(LIAISON).say("帮助")


def _plan(session):
    session.expire_all()
    return session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "contact_plan")
                           .order_by(OutboxMessage.id)).all()


@pytest.mark.postgres
def test_each_month_a_liaison_gets_their_members_not_contacted_oldest_first(session, job_runtime, clock):
    liaison, (zhang, wang, zhao, sun) = setup_liaison(
        session, (("张某", "13800001234"), ("王某", "13800002345"), ("赵某", "13800003456"), ("孙某", "13800004567")))
    sun.status = "returned"  # back home for good: no longer a mobile member to keep in touch with
    by = liaison.member_id
    record_contact(session, zhang.id, by, "phone", None, START - dt.timedelta(days=40))
    record_contact(session, wang.id, by, "phone", None, START - dt.timedelta(days=10))  # contacted lately
    session.commit()
    clock.current = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)  # 1 December, 09:00 in Shanghai
    assert send_contact_plans() == 1
    (plan,) = _plan(session)
    assert (plan.openid, plan.member_id) == (LIAISON, by)
    assert plan.payload["content"] == (
        "【定时联系】您联系的党员中，以下2人超过30天没有联系记录，请抽空打个电话或走访。"
        "联系后发“联系 姓名 情况”记一笔，如“联系 张某 电话聊了工作情况”："
        "\n1. 赵某（138****3456），江苏苏州，还没有联系记录"
        "\n2. 张某（138****1234），江苏苏州，上次联系10月20日（42天前）")
    assert {k: v["value"] for k, v in plan.payload["fallback_template"]["data"].items()} == {
        "thing1": "2名党员30天未联系", "thing2": "白杨村党支部", "time3": "2026-12-01 09:00",
        "thing4": "回复任意消息查看名单"}
    # a second run the same month queues nothing more
    clock.advance(days=3)
    send_contact_plans()
    assert len(_plan(session)) == 1


def test_a_long_list_stays_within_one_message_and_counts_the_rest(session, job_runtime):
    setup_liaison(session, [(f"张某{n:03d}", f"13800{n:06d}") for n in range(60)])
    assert send_contact_plans() == 1
    (plan,) = _plan(session)
    text = plan.payload["content"]
    assert len(text.encode("utf-8")) <= 2048
    assert "\n1. 张某000（138****0000）" in text
    listed = text.count("，还没有联系记录")
    assert text.endswith(f"\n另有{60 - listed}人未列出，联系了上面的党员后，下月的名单会列出他们。")


def test_a_liaison_with_everyone_contacted_or_without_wechat_gets_nothing(session, job_runtime, caplog):
    liaison, (zhang,) = setup_liaison(session)
    record_contact(session, zhang.id, liaison.member_id, "visit", None, START)
    other, _ = setup_liaison(session, (("王某", "13800002345"),), openid=None, name="刘某", phone="13900000002",
                             branch=make_branch(session, name="沙河村党支部"))
    assert send_contact_plans() == 0
    assert _plan(session) == []
    assert "has not bound WeChat" in caplog.text


def test_a_logged_contact_takes_the_member_off_next_months_list(make_chat, session, job_runtime, clock):
    setup_liaison(session, (("张某", "13800001234"), ("王某", "13800002345")))
    make_chat(LIAISON).say("联系 张某 电话聊了工作情况")
    clock.current = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)
    send_contact_plans()
    (plan,) = _plan(session)
    assert "王某" in plan.payload["content"] and "张某（" not in plan.payload["content"]
