"""A member's liaison changes while their help request is open: the request goes to the new
liaison, who answers it by number in WeChat; the old one, still a liaison of the branch (who
reaches its tickets, models.tickets.scope), sees it in the new one's hands; the member hears who
their new liaison is — at once inside their window, else with their next message."""
from sqlalchemy import select

from models.liaisons.moves import find_liaison, move_members
from models.member import Liaison
from models.tickets import Ticket
from tests.factories import make_member
from tests.test_help_request import setup_roster

OLD, NEW, MEMBER = "oKite_liaison_0001", "oKite_liaison_0002", "oKite_member_0001"
CHANGED = "您的红色联络员换成了王某（电话 13900000002）。有困难可以直接找王某，也可以随时发“求助”加上情况。"


def inbox(app, openid):
    return [m["text"] for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def second_liaison(session):
    member = session.scalar(select(Liaison)).member
    person = make_member(session, member.branch, name="王某", phone="13900000002", openid=NEW, status="home")
    session.add(Liaison(member_id=person.id, branch_id=member.branch_id))
    session.commit()


def move(session, clock, settings):
    moved = move_members(session, find_liaison(session, "李某"), "王某", None, now=clock.now(), changed_by="张书记",
                         template_id=settings.wechat.templates["liaison_handover"])
    session.commit()
    return moved


def test_after_a_move_the_new_liaison_answers_the_open_request_and_the_old_cannot(
        chat, make_chat, session, app, send, clock, settings):
    setup_roster(session)
    second_liaison(session)
    old, new = make_chat(OLD), make_chat(NEW)
    chat.say("求助 老板拖欠了三个月工资")
    send()
    chat.advance(hours=1)
    assert move(session, clock, settings).handover.tickets == ["Q20261129001"]
    send()
    assert inbox(app, MEMBER)[-1] == (CHANGED + "您还没办完的求助（编号 Q20261129001）也交给了王某接着办。")

    assert "\n1. Q20261129001 张某 欠薪，待接单，王某经办，" in old.say("我的工单")
    assert new.say("Q20261129001 已经联系了 明天陪他去劳动监察大队") == "已记下您的答复（编号 Q20261129001），并转告了张某。"
    send()
    assert inbox(app, MEMBER)[-1] == ("您的求助（编号 Q20261129001）有回复了。红色联络员王某：已经联系了 明天陪他去劳动监察大队\n"
                                      "有什么要补充的，直接回复我，我转给联络员。")
    session.expire_all()
    ticket = session.scalar(select(Ticket))
    assert (ticket.status, ticket.liaison.member.name, ticket.holder.name) == ("answered", "王某", "王某")
    # 王某's window was closed at the move: the template came at once, the list with their message
    assert "【联络员交接】以下1名党员今后由您联系（人工调整），请抽空电话联系一下：" in "\n".join(inbox(app, NEW))
    assert any("【联络员交接】以下1名党员已改由其他联络员联系" in text for text in inbox(app, OLD))
    assert chat.say("Q20261129001 怎么样了").startswith("您的求助（编号 Q20261129001，欠薪）红色联络员王某")


def test_a_member_whose_window_is_closed_hears_of_the_new_liaison_with_their_next_message(
        chat, session, app, send, clock, settings):
    setup_roster(session)
    second_liaison(session)
    chat.say("我的信息")
    chat.advance(hours=49)
    move(session, clock, settings)
    send()
    assert not any("红色联络员换成了" in text for text in inbox(app, MEMBER))
    chat.say("学习")
    send()
    assert inbox(app, MEMBER)[-1] == CHANGED
    assert sum("红色联络员换成了" in text for text in inbox(app, MEMBER)) == 1
