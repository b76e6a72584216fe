"""``serve --demo``: a fictional district in an empty database, and the instructions it prints
actually work."""
import re

import pytest
from sqlalchemy import func, select

from bot.demo import load_demo
from bot.dispatcher import dispatch_due
from bot.wechat_api import wechat_client
from models.delivery.outbox import OutboxMessage
from models.lesson import LESSON_CATEGORIES, Lesson
from models.lesson_scope import LessonScope
from models.member import Liaison, Member
from models.org import Organization
from models.stations import Station
from tests.factories import make_branch


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_demo_fills_an_empty_database(runtime, session):
    text = load_demo(runtime)
    assert text.startswith("演示数据已载入：示例区 → 2 个乡镇街道 → 4 个党支部，40 名党员（每个支部 1 名支部书记、1 名红色联络员），"
                           "24 篇学习资料，8 个阳光驿站。")
    kinds = dict(session.execute(select(Organization.kind, func.count()).group_by(Organization.kind)).all())
    assert kinds == {"district": 1, "township": 2, "village": 4, "branch": 4}
    assert count(session, Member) == 40 and count(session, Liaison) == 4 and count(session, Station) == 8
    for branch in session.scalars(select(Organization).where(Organization.kind == "branch")):
        secretary = session.scalar(select(Member).where(Member.name == branch.secretary_name))
        assert (secretary.phone, secretary.branch_id, secretary.status) == (branch.secretary_phone, branch.id, "home")
    away = session.scalars(select(Member).where(Member.status == "away")).all()
    assert len(away) == 32 and all(m.liaison_id and m.bind_code and m.openid is None for m in away)
    assert set(session.scalars(select(Lesson.category))) == set(LESSON_CATEGORIES)
    assert all(u.startswith("https://kiteline.example.invalid/") for u in session.scalars(select(Lesson.url)))


def test_the_demo_library_has_codes_micro_videos_and_one_lesson_for_one_township(runtime, session):
    load_demo(runtime)
    lessons = session.scalars(select(Lesson).order_by(Lesson.sequence)).all()
    assert len({le.code for le in lessons}) == 24 and all(le.tags and le.published_on for le in lessons)
    videos = [le for le in lessons if le.media_type == "video"]
    assert {le.category for le in videos} == {"law", "psychology", "skills"}
    assert all(180 <= le.duration_seconds <= 480 for le in videos)
    assert lessons[0].summary == "原文要点加解读，约4分钟读完。" and lessons[3].summary == "真实案例加律师讲解，6分8秒。"
    scope = LessonScope.load(session)
    branches = {o.name: o.id for o in session.scalars(select(Organization).where(Organization.kind == "branch"))}
    hongliu_only = {le.title for le in lessons if le.targets}
    assert hongliu_only == {"家乡红柳镇新建农产品冷链仓库投入使用"}
    seen = {name: {le.title for le in scope.filter(lessons, org_id)} for name, org_id in branches.items()}
    assert len(seen["白杨村党支部"]) == len(seen["沙河村党支部"]) == 24
    assert len(seen["新建社区党支部"]) == 23 and not hongliu_only & seen["和平社区党支部"]


def test_demo_leaves_a_database_with_data_alone(runtime, session):
    make_branch(session)
    session.commit()
    assert load_demo(runtime) == "数据库里已经有数据，演示数据没有载入（--demo 只用于空数据库）。"
    assert count(session, Member) == 0


@pytest.mark.postgres
def test_the_printed_instructions_work(app, runtime, session, make_chat):
    text = load_demo(runtime)
    name, phone = re.search(r'kiteline chat "绑定 (\S+) (\d{11})"', text).groups()
    member = make_chat("oKite_demo_0001")
    assert member.say(f"绑定 {name} {phone}").startswith(f"绑定成功！{name}您好")
    assert member.say("求助 家里有点事").startswith("已收到您的求助（其他困难），编号 ")
    liaison_openid = re.search(r"/sandbox/messages/(\S+)", text).group(1)
    assert session.scalar(select(OutboxMessage.openid).where(OutboxMessage.purpose == "liaison_notice")) == liaison_openid
    # The liaison followed long ago (window closed): the notice reaches them as a template at once.
    assert dispatch_due(runtime, client=wechat_client(runtime, app)) == 1
    inbox = app.test_client().get(f"/sandbox/messages/{liaison_openid}").get_json()
    assert [(m["channel"], m["body"]["data"]["thing1"]["value"]) for m in inbox] == [("template", f"{name}求助其他困难")]
    assert '"党费"' in text  # the member the instructions bind owes two months at 12.50元
    assert "还欠2026年10月至11月，共2个月25元" in member.say("党费")
    scene = re.search(r"--key qrscene_(bind_\w+)", text).group(1)
    assert make_chat("oKite_demo_0002").follow(scene=scene).startswith("欢迎关注！绑定成功！")


@pytest.mark.postgres
def test_the_printed_secretary_and_liaison_lines_work(app, runtime, make_chat):
    text = load_demo(runtime)
    openid, name, phone = re.search(r'--openid (\S+) "绑定 (\S+) (1370000000\d)"（白杨村党支部书记', text).groups()
    assert name == "王某明"
    reply = make_chat(openid).say(f"绑定 {name} {phone}")
    assert reply.startswith(f"绑定成功！{name}您好") and "作为支部书记，您还可以发：\n· 审核 编号 通过" in reply
    assert "\n· 我的工单" in reply and "\n· 转接办结 姓名" in reply and "\n· 确认党费 姓名 月份" in reply
    liaison = re.search(r'--openid (oKite_liaison_\d+) "帮助"（白杨村党支部的联络员(\S+?)，', text).groups()
    assert liaison == ("oKite_liaison_0001", "李某明")
    assert "· 编号 + 答复 —— 转告党员" in make_chat(liaison[0]).say("帮助")


def test_the_readme_walk_through_a_rating_and_a_contact(app, runtime, session, make_chat):
    """README, Talking to the bot: the liaison resolves, the member rates it, the liaison logs a call."""
    text = load_demo(runtime)
    name, phone = re.search(r'kiteline chat "绑定 (\S+) (\d{11})"', text).groups()
    member, liaison = make_chat("oKite_demo_0001"), make_chat("oKite_liaison_0001")
    member.say(f"绑定 {name} {phone}")
    number = re.search(r"编号 (Q\d+)", member.say("求助 老板拖欠了三个月工资"))[1]
    liaison.say(f"{number} 已联系 明天去劳动监察大队")
    assert liaison.say(f"{number} 已解决").startswith("已把这件求助标为办结")
    assert member.say("4 还行吧 就是慢了点").startswith("谢谢您的评价（4分）！")
    assert liaison.say(f"联系 {name} 电话聊了工作情况").startswith("已记下：")
