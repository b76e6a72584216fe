"""The engine's order, as members meet it: words of despair end any dialog, a role command is
answered while a dialog waits, a clear new request inside a dialog is answered as itself, and a
message that only thanks or asks is no new request."""
from sqlalchemy import select

from models.dialog import DialogState
from models.member import MemberChange
from models.tickets import Ticket
from tests.test_help_request import setup_roster

LIAISON = "oKite_liaison_0001"
READ_BACK = "您要把手机号从 139****0001 改成 139 0000 5678 吗？回复“对”确认，回复“不对”不改。"
ASK_AGAIN = "请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。不需要了请发“取消”。"


def dialog_of(session, openid):
    session.expire_all()
    row = session.get(DialogState, openid)
    return row.dialog if row else None


def phone_changes(session):
    session.expire_all()
    return session.scalars(select(MemberChange.new_value).where(MemberChange.field == "phone")).all()


def test_words_of_despair_inside_a_dialog_end_it(chat, session):
    setup_roster(session)
    chat.say("手机号换成13800005678")
    assert chat.say("不想活了").startswith("您说的话我们很在意")
    assert dialog_of(session, chat.openid) is None
    chat.say("对")
    assert phone_changes(session) == []


def test_a_role_command_is_answered_while_a_dialog_waits(chat, make_chat, session):
    setup_roster(session)
    chat.say("求助 老板拖欠了三个月工资")
    liaison = make_chat(LIAISON)
    assert liaison.say("手机号换成13900005678") == READ_BACK
    assert liaison.say("Q20261129001 已联系 明天去劳动监察大队") == (
        "已记下您的答复（编号 Q20261129001），并转告了张某。")
    assert dialog_of(session, LIAISON) == "phone_change"
    assert liaison.say("对").startswith("已为您更新：\n手机号：139****5678")


def test_a_clear_new_request_inside_a_dialog_hands_off(chat, session):
    setup_roster(session)
    points = chat.say("积分")
    for opening, dropped in (("求助", ""), ("手机号换成13800005678", "刚才的新号码没有确认，手机号没有改；要改请再发一次新号码。\n"),
                             ("学习 开会", "")):
        chat.say(opening)
        assert chat.say("积分") == dropped + points  # a number awaiting 对 is said to be dropped
        assert dialog_of(session, chat.openid) is None
    assert phone_changes(session) == []
    assert session.scalars(select(Ticket)).all() == []


def test_thanks_inside_a_dialog_is_no_new_request(chat, session):
    setup_roster(session)
    chat.say("求助")
    assert chat.say("谢谢") == ASK_AGAIN
    assert dialog_of(session, chat.openid) == "help_request"


def test_help_inside_a_dialog_asks_again_instead_of_showing_the_menu(chat, session):
    setup_roster(session)
    chat.say("求助")
    assert chat.say("帮助") == ASK_AGAIN
    assert chat.say("老板拖欠了三个月工资").startswith("已收到您的求助（欠薪），编号 Q20261129001。")
