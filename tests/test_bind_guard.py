"""Binding cannot be guessed: the name must be the roster's name exactly, a refused try says
nothing about who is on the roster or bound, an openid that keeps failing waits out a cool-down
(even for the right name and phone), and the member's red liaison hears of it. As
conversations, on SQLite and PostgreSQL."""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from models.bind_attempts import BindAttempt
from models.delivery.outbox import OutboxMessage
from models.member import Liaison, Member
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

HOTLINE = "服务热线 0471-12345678（工作日 9:00-17:30）"
NEUTRAL = ("没能绑定：姓名和手机号与支部台账上的登记对不上。请核对后再发一次，例如：绑定 张某 13800001234；"
           f"如果确认无误，请联系所在支部或拨打{HOTLINE}。")
COOLING = ("没能绑定：这个微信绑定没对上的次数太多，为保护党员信息，暂停绑定到{until}，到时可以再试。"
           f"如果确认姓名和手机号无误，请联系所在支部或拨打{HOTLINE}。")
TOMORROW = "11月30日 09:00"
LIAISON = "oKite_liaison_0001"
ATTACKER = "oKite_stranger_0001"
TAKEN_ALERT = ("【绑定提醒】杨某明（白杨村党支部）的身份已绑定在一个微信上，11月29日 09:00 另有一个微信用杨某明的"
               "姓名和手机号（138****2005）尝试绑定，没有成功。请与杨某明核实是否本人操作；"
               "如不是，请提醒其保管好手机号等个人信息。")
LIMIT_ALERT = ("【绑定提醒】11月29日 09:00 有一个微信5次尝试绑定都没对上，其中用了{name}（白杨村党支部）的姓名，"
               f"该微信已暂停绑定到{TOMORROW}。请与{{name}}核实：如是本人记不清台账上的手机号，请帮其核对；"
               "如不是本人，请提醒其保管好个人信息。")
PHONES = {"赵某明": "13800002000", "刘某明": "13800002001", "陈某明": "13800002002",
          "杨某明": "13800002005", "黄某明": "13800002003", "周某明": "13800002004"}


@pytest.fixture
def roster(session):
    """Six members of one branch (杨某明's phone is 13800002005) and their liaison 李某, who has
    bound WeChat."""
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", phone="13900000001", openid=LIAISON, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    members = {name: make_member(session, branch, name=name, phone=phone, liaison_id=liaison.id)
               for name, phone in PHONES.items()}
    session.commit()
    return members


def bound_to(session, openid):
    session.expire_all()
    member = session.scalar(select(Member).where(Member.openid == openid))
    return member.name if member else None


def inbox(app, openid):
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


@pytest.mark.parametrize("text", [
    "绑定 赵某明刘某明陈某明杨某明黄某明周某明 13800002005",
    "绑定 赵某明 刘某明 陈某明 杨某明 黄某明 周某明 13800002005",
    "绑定 赵某明、刘某明、杨某明 13800002005",
    "绑定 杨某明黄某明 13800002005",
    "我是杨某明的邻居 13800002005",
])
def test_a_list_of_names_or_a_name_inside_other_words_binds_nobody(chat, session, roster, text):
    assert chat.say(text) == NEUTRAL
    assert bound_to(session, chat.openid) is None


def test_the_same_answer_for_nobody_an_already_bound_member_and_namesakes(make_chat, session, roster):
    branch = roster["杨某明"].branch
    for _ in range(2):  # two unbound members with one name and one phone: whose is it?
        make_member(session, branch, name="王某", phone="13800003000")
    session.commit()
    assert make_chat("oKite_member_0001").say("绑定 杨某明 13800002005").startswith("绑定成功！杨某明您好")

    answers = {
        "already bound": make_chat("oKite_stranger_0001").say("绑定 杨某明 13800002005"),
        "namesakes": make_chat("oKite_stranger_0002").say("绑定 王某 13800003000"),
        "right name, wrong phone": make_chat("oKite_stranger_0003").say("绑定 赵某明 13800009999"),
        "nobody": make_chat("oKite_stranger_0004").say("绑定 孙某 13900009999"),
    }
    assert answers == dict.fromkeys(answers, NEUTRAL)
    assert [bound_to(session, f"oKite_stranger_000{n}") for n in range(1, 5)] == [None] * 4


def test_guessing_phones_stops_at_five_and_even_the_right_one_waits_out_the_cool_down(make_chat, session, roster):
    stranger = make_chat(ATTACKER)
    answers = [stranger.say(f"绑定 杨某明 139{n:08d}") for n in range(300)]
    assert answers[:4] == [NEUTRAL] * 4
    assert set(answers[4:]) == {COOLING.format(until=TOMORROW)}

    assert stranger.say("绑定 杨某明 13800002005") == COOLING.format(until=TOMORROW)
    assert stranger.say("绑定") == COOLING.format(until=TOMORROW)
    assert bound_to(session, ATTACKER) is None

    stranger.advance(hours=23, minutes=59)
    assert stranger.say("绑定 杨某明 13800002005") == COOLING.format(until=TOMORROW)
    stranger.advance(minutes=1)
    assert stranger.say("绑定 杨某明 13800002005").startswith("绑定成功！杨某明您好")
    assert bound_to(session, ATTACKER) == "杨某明"

    outcomes = dict(session.execute(select(BindAttempt.outcome, func.count())
                                    .where(BindAttempt.openid == ATTACKER).group_by(BindAttempt.outcome)).all())
    assert outcomes == {"not_found": 5, "cooling_down": 297, "bound": 1}
    phones = session.scalars(select(BindAttempt.phone).where(BindAttempt.openid == ATTACKER)).all()
    assert all(p[3:7] == "****" for p in phones) and "13800002005" not in phones


def test_the_limit_and_the_cool_down_are_those_in_config(chat, session, settings, roster):
    settings.binding.max_failures, settings.binding.cooldown_hours = 2, 1
    assert chat.say("绑定 杨某明 13900000000") == NEUTRAL
    assert chat.say("绑定 杨某明 13900000001") == COOLING.format(until="11月29日 10:00")
    chat.advance(hours=1)
    assert chat.say("绑定 杨某明 13800002005").startswith("绑定成功！杨某明您好")


def test_a_member_who_mistypes_a_few_times_still_binds(chat, session, roster):
    for text in ("绑定 杨某明 13800002050", "绑定 杨某名 13800002005", "绑定 杨某明 13800020005"):
        assert chat.say(text) == NEUTRAL
    assert chat.say("绑定 杨某明 13800002005").startswith("绑定成功！杨某明您好")


def test_failures_older_than_the_window_no_longer_count(chat, session, roster):
    for n in range(4):
        assert chat.say(f"绑定 杨某明 1390000000{n}") == NEUTRAL
    chat.advance(hours=24, seconds=1)
    for n in range(4):
        assert chat.say(f"绑定 杨某明 1390000001{n}") == NEUTRAL
    assert chat.say("绑定 杨某明 13800002005").startswith("绑定成功！")


def test_wrong_invitation_codes_count_as_failed_tries(make_chat, session, roster):
    roster["杨某明"].bind_code = "k7m2p9qa"
    session.commit()
    stranger = make_chat(ATTACKER)
    stranger.follow()
    for n in range(4):
        stranger.advance(seconds=1)
        assert stranger.scan(f"bind_zzzzzzz{n}") == ("这个邀请二维码无效或已经用过，没能绑定。"
                                                     "请发送“绑定 姓名 手机号”（例如：绑定 张某 13800001234）完成身份绑定。")
    stranger.advance(seconds=1)
    assert stranger.scan("bind_zzzzzzz4") == COOLING.format(until=TOMORROW)
    stranger.advance(seconds=1)
    assert stranger.scan("bind_k7m2p9qa") == COOLING.format(until=TOMORROW)
    assert bound_to(session, ATTACKER) is None


def test_the_liaison_hears_once_of_an_attempt_on_a_bound_member(make_chat, app, send, session, roster):
    make_chat(LIAISON).say("你好")  # the liaison's customer-service window is open
    make_chat("oKite_member_0001").say("绑定 杨某明 13800002005")
    stranger = make_chat(ATTACKER)
    assert stranger.say("绑定 杨某明 13800002005") == NEUTRAL
    assert stranger.say("绑定：杨某明，138-0000-2005") == NEUTRAL
    send()
    assert inbox(app, LIAISON) == [TAKEN_ALERT]
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "bind_alert"))
    assert row.openid == LIAISON and row.status == "sent"
    # The member is told nothing; their binding stands.
    assert inbox(app, "oKite_member_0001") == [] and bound_to(session, "oKite_member_0001") == "杨某明"


def test_the_liaison_hears_once_when_someone_keeps_failing_with_members_names(make_chat, app, send, session, roster):
    make_chat(LIAISON).say("你好")
    stranger = make_chat(ATTACKER)
    for n in range(3):
        stranger.say(f"绑定 杨某明 139{n:08d}")
    stranger.say("绑定 周某明 13900000003")
    stranger.say("绑定 孙某 13900000004")  # not on the roster: no liaison to tell
    for n in range(50):
        stranger.say(f"绑定 赵某明 139{n:08d}")  # cooling down: nobody was named by a real try
    send()
    assert sorted(inbox(app, LIAISON)) == sorted(LIMIT_ALERT.format(name=name) for name in ("杨某明", "周某明"))


def test_a_liaison_without_wechat_is_logged_with_the_phone_masked(make_chat, session, roster, caplog):
    session.scalar(select(Member).where(Member.name == "李某")).openid = None
    session.commit()
    make_chat("oKite_member_0001").say("绑定 杨某明 13800002005")
    with caplog.at_level(logging.WARNING, logger="models.bind_attempts"):
        assert make_chat(ATTACKER).say("绑定 杨某明 13800002005") == NEUTRAL
    assert "139****0001" in caplog.text and "13900000001" not in caplog.text
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.purpose == "bind_alert")) == 0


def test_a_bound_openid_is_still_told_whom_it_is_bound_to(make_chat, roster):
    member = make_chat("oKite_member_0001")
    member.say("绑定 杨某明 13800002005")
    for _ in range(8):
        assert member.say("绑定 赵某明 13800002000") == (
            f"这个微信已经绑定了杨某明，一个微信只能绑定一位党员。如需更换，请联系所在支部或拨打{HOTLINE}。")


def test_tries_sent_at_once_from_several_workers_share_one_count(make_chat, session, roster):
    """Eight wrong phones from one openid arrive together (several web workers): five are looked
    up, the rest wait out the cool-down, as if they had come one by one."""
    stranger = make_chat(ATTACKER)
    stranger.say("你好")  # the follower row exists, as for anyone who writes
    start = threading.Barrier(8)

    def guess(n):
        chat = make_chat(ATTACKER)
        start.wait(5)
        return chat.say(f"绑定 杨某明 139{n:08d}")

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(8)))
    assert answers.count(NEUTRAL) == 4
    assert answers.count(COOLING.format(until=TOMORROW)) == 4
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(BindAttempt)
                          .where(BindAttempt.outcome == "not_found")) == 5
