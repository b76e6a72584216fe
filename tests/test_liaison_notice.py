"""A help request reaches the liaison's WeChat: as a customer-service message while their window
is open; otherwise at once as a template notice, with the full text after their next message.
Read back from the sandbox, as the liaison's phone would show it."""
import time

import pytest
from sqlalchemy import select

from bot.wechat_api import wechat_client
from handlers.registry import COMMANDS
from models.delivery.outbox import OutboxMessage
from models.roles import Role
from models.tickets import Ticket
from tests.test_help_request import setup_roster

LIAISON = "oKite_liaison_0001"
DESK_USAGE = "\n".join(f"· {c.usage}" for c in COMMANDS if Role.LIAISON in c.roles)
FULL_TEXT = ("【新求助 {number}】张某（白杨村党支部，电话 13800001234）求助欠薪：“老板拖欠了三个月工资”。"
             "请在24小时内电话联系张某；答复或办结请回复“{number} + 情况”（如“{number} 已解决”）。")


def liaison_inbox(app) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{LIAISON}").get_json()]


@pytest.mark.postgres
def test_liaison_who_wrote_recently_gets_the_full_text(chat, make_chat, session, app, send):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    liaison.say("你好")
    chat.say("求助 老板拖欠了三个月工资")
    assert send() == 1
    assert liaison_inbox(app) == [("custom", FULL_TEXT.format(number="Q20261129001"))]


@pytest.mark.postgres
def test_liaison_outside_the_window_gets_a_template_now_and_the_text_on_their_next_message(
        chat, make_chat, session, app, send, clock):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    liaison.say("你好")
    clock.advance(hours=49)  # the liaison's 48-hour window has closed
    chat.say("求助 老板拖欠了三个月工资")
    assert send() == 1
    assert liaison_inbox(app) == [("template", "thing1: 张某求助欠薪\ncharacter_string2: Q20261201001\n"
                                               "phone_number3: 13800001234\ntime4: 2026-12-01 10:00\n"
                                               "thing5: 请在24小时内电话联系张某")]

    clock.advance(hours=3)
    liaison.say("收到")
    assert send() == 1
    assert liaison_inbox(app)[1:] == [("custom", FULL_TEXT.format(number="Q20261201001"))]
    assert send() == 0  # nothing goes twice


def test_in_process_dispatcher_sends_as_soon_as_the_message_is_answered(chat, make_chat, session, app,
                                                                        runtime, settings):
    from bot.dispatcher import DispatcherThread

    setup_roster(session)
    make_chat(LIAISON).say("你好")
    settings.scheduler.dispatch_interval_seconds = 3600  # no poll would come in time
    dispatcher = DispatcherThread(runtime, lambda: wechat_client(runtime, app))
    try:
        time.sleep(0.5)  # let its first round pass: from now on only a wake-up sends anything
        chat.say("求助 老板拖欠了三个月工资")
        deadline = time.monotonic() + 10
        while not liaison_inbox(app) and time.monotonic() < deadline:
            time.sleep(0.05)  # a real thread: wait for it, bounded
        assert liaison_inbox(app) == [("custom", FULL_TEXT.format(number="Q20261129001"))]
    finally:
        dispatcher.shutdown()


def test_a_liaison_who_binds_late_hears_of_the_requests_filed_before(chat, make_chat, session, app, send):
    setup_roster(session, liaison_openid=None)
    assert chat.say("求助 老板拖欠了三个月工资") == (
        "已收到您的求助（欠薪），编号 Q20261129001。您的红色联络员是李某，还没有开通微信通知，"
        "请直接打李某的电话 13900000001；求助已登记，工作人员会跟进。")
    assert send() == 0  # nobody to send it to yet

    liaison = make_chat(LIAISON)
    assert liaison.say("绑定 李某 13900000001") == (
        "绑定成功！李某您好，您是白杨村党支部的党员。您是红色联络员，有1件求助在等您，"
        "求助通知会发到这个微信，请按通知里的电话联系党员。"
        "以后学习、求助、更新流动去向都可以直接发给我，发“菜单”看全部功能。"
        "\n作为红色联络员，您还可以发：\n" + DESK_USAGE + "\n发“帮助”随时可以再看。")
    assert send() == 1
    assert liaison_inbox(app) == [("custom", FULL_TEXT.format(number="Q20261129001"))]

    # unfollowing and binding again sends nothing twice
    liaison.unfollow()
    liaison.follow()
    assert "有1件求助在等您" in liaison.say("绑定 李某 13900000001")
    assert send() == 0
    assert len(liaison_inbox(app)) == 1


def test_a_very_long_request_reaches_the_liaison_shortened_and_is_kept_whole(chat, make_chat, session, app, send):
    setup_roster(session)
    make_chat(LIAISON).say("你好")
    story = "老板拖欠了三个月工资，" * 955  # 10,505 characters, a letter pasted in whole
    assert chat.say(f"求助 {story}").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
    assert send() == 1
    [(channel, text)] = liaison_inbox(app)
    assert channel == "custom"
    assert len(text.encode("utf-8")) <= 2048  # WeChat's limit for a customer-service text
    assert text.startswith("【新求助 Q20261129001】张某（白杨村党支部，电话 13800001234）求助欠薪：“老板拖欠了三个月工资，")
    assert text.endswith("…”（内容较长，这里只有开头；全文共10505字，已完整记在求助单 Q20261129001 里）。"
                         "请在24小时内电话联系张某；答复或办结请回复“Q20261129001 + 情况”"
                         "（如“Q20261129001 已解决”）。")
    assert session.scalar(select(Ticket.description)) == story


def _change_phone(session, clock, phone):
    from models.member import Member
    from models.member_updates import apply_changes

    session.expire_all()
    member = session.scalar(select(Member).where(Member.openid == "oKite_member_0001"))
    apply_changes(session, member, {"phone": phone}, source="console", changed_by="admin", now=clock.now())
    session.commit()


@pytest.mark.postgres
def test_the_notice_carries_the_phone_the_member_has_when_it_is_sent(chat, make_chat, session, app, send, clock):
    setup_roster(session)
    make_chat(LIAISON).say("你好")
    chat.say("求助 老板拖欠了三个月工资")
    _change_phone(session, clock, "13800005678")  # after queuing, before the dispatcher's turn
    assert send() == 1
    sent = FULL_TEXT.format(number="Q20261129001").replace("13800001234", "13800005678")
    assert liaison_inbox(app) == [("custom", sent)]
    session.expire_all()
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_notice"))
    assert (row.payload["content"], row.payload["about"]) == (sent, {"ticket_id": 1, "number": "Q20261129001"})


def test_the_template_and_the_full_text_after_it_each_carry_the_phone_of_their_own_send(
        chat, make_chat, session, app, send, clock):
    setup_roster(session)
    liaison = make_chat(LIAISON)
    liaison.say("你好")
    clock.advance(hours=49)  # the liaison's window has closed: the template goes, the text waits
    chat.say("求助 老板拖欠了三个月工资")
    _change_phone(session, clock, "13800005678")
    assert send() == 1
    assert liaison_inbox(app)[0][1].split("\n")[2] == "phone_number3: 13800005678"

    _change_phone(session, clock, "13800009999")  # changed again while the full text waits
    clock.advance(hours=3)
    liaison.say("收到")  # no answer to the member: only the full text goes
    assert send() == 1
    assert liaison_inbox(app)[1:] == [
        ("custom", FULL_TEXT.format(number="Q20261201001").replace("13800001234", "13800009999"))]


def test_a_notice_whose_ticket_is_gone_goes_as_queued(session, runtime, clock):
    from models.delivery.payloads import Text
    from models.delivery.refresh import Refreshers
    from models.tickets import refreshed_liaison_notice

    payload = Text("【新求助 Q20261129009】…", about={"ticket_id": 99, "number": "Q20261129009"})
    row = OutboxMessage(id=1, purpose="liaison_notice", kind="text", payload=payload.as_json())
    refreshers = Refreshers().on("liaison_notice", refreshed_liaison_notice)
    assert refreshers.refresh(session, row, payload, clock.now()) is payload
    assert row.payload == payload.as_json()


def test_a_refresher_that_fails_leaves_the_notice_as_queued(session, clock):
    from models.delivery.payloads import Text
    from models.delivery.refresh import Refreshers

    def broken(session, payload, now):
        raise RuntimeError("a bug in the rendering")

    payload = Text("原文", about={"ticket_id": 1})
    row = OutboxMessage(id=1, purpose="liaison_notice", kind="text", payload=payload.as_json())
    assert Refreshers().on("liaison_notice", broken).refresh(session, row, payload, clock.now()) is payload
    with pytest.raises(ValueError):
        Refreshers().on("liaison_notice", broken).on("liaison_notice", broken)
