"""Every dialog, as the engine runs it: each state reached by a real conversation, each state
answering cancel the same way with nothing saved, 帮助 asking the question again, the timeout
keeping nothing half-done; and each diagram drawn from its declaration."""
import datetime as dt
import enum

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from bot.demo import STATIONS
from bot.dialogs_cli import diagrams
from handlers import org_life, study
from handlers.dialog_machine import Ask, Dialog, Stay
from handlers.registry import DIALOGS
from handlers.replies import TextReply
from models.dialog import DialogState
from models.member import Liaison, MemberChange
from models.stations import Station
from models.tickets import Ticket, open_ticket
from models.transfers import TransferRequest
from tests.conftest import START
from tests.factories import SLA, make_lesson, make_member
from tests.test_help_request import setup_roster

PHONE_QUESTION = "您要把手机号从 138****1234 改成 138 0000 5678 吗？回复“对”确认，回复“不对”不改。"
HELP_QUESTION = "请说说遇到了什么困难（比如：老板拖欠工资、孩子上学、看病），我马上转给您的联络员。不需要了请发“取消”。"
CLARIFY_QUESTION = f"您是想办哪件事？\n1. {study.INTENT.usage}\n2. {org_life.INTENT.usage}\n请回复数字，或发“取消”。"

GUIDED_CANCELLED = "好的，已取消，刚才说的都没有保存。想改的时候再发“更新信息”。"
TRANSFER_CANCELLED = "好的，转接申请没有提交。以后想办，随时发“我要转组织关系”。"

# (dialog, state) -> how a member gets there, the question of that state, the one reply to any
# cancel word, and the answer (or, in a dialog of several questions, the answers in turn) that
# would have finished it (saving something, or answering).
REACH = {
    ("clarify", "choosing"): (["学习 开会"], CLARIFY_QUESTION,
                              "好的，已取消。有需要随时发“菜单”看全部功能。", "2"),
    ("phone_change", "asking"): (["我换号了"], "请把新手机号发给我，例如：我的新号码是13800005678。",
                                 "好的，手机号没有改，还是 138****1234。要改的话，把您自己的新号码发给我就行。",
                                 ("我的新号码是13800005678", "不对")),
    ("phone_change", "confirming"): (["手机号换成13800005678"], PHONE_QUESTION,
                                     "好的，手机号没有改，还是 138****1234。要改的话，把您自己的新号码发给我就行。", "对"),
    ("update_info", "where"): (["回老家了 不出去了", "又出去打工了"], "这回去了哪个城市？直接告诉我就行，例如：“宁波”。",
                               "好的，城市先不登记了。到了新地方，发“我在某某市”就行，例如“我在宁波”。", "宁波"),
    ("help_request", "describing"): (["求助"], HELP_QUESTION, "好的，已取消。需要帮助时随时发“求助”。", "家里出了点事"),
    ("help_confirm", "confirming"): (
        ["站点扣了我八百块罚款 说超时 这钱能要回来不"],
        "这件事（欠薪）需要我转给您的红色联络员帮忙吗？回复“是”就转交，回复“不用”就不转。",
        "好的，这件事不转给联络员了。有什么难处随时发“求助”加上情况，我马上转给联络员。", "是"),
    ("guided_update", "destination"): (
        ["更新信息"], "（1/4）您现在在哪个城市？现在还没有登记。直接说城市，例如“宁波”；没变回“不变”，不想填回“跳过”。",
        GUIDED_CANCELLED, ("不变", "不变", "不变", "不变")),
    ("guided_update", "phone"): (
        ["更新信息", "不变"], "（2/4）手机号还是 138****1234 吗？换了就发新号码；没变回“不变”。",
        GUIDED_CANCELLED, ("不变", "不变", "不变")),
    ("guided_update", "phone_confirm"): (
        ["更新信息", "不变", "13712345678"], "您要把手机号从 138****1234 改成 137 1234 5678 吗？回复“对”确认，回复“不对”重新填。",
        GUIDED_CANCELLED, ("对", "不变", "不变")),
    ("guided_update", "employer"): (
        ["更新信息", "不变", "不变"],
        "（3/4）您现在在哪里工作？现在还没有登记。直接说单位名称，例如“顺丰物流”；没变回“不变”，不想填回“跳过”。",
        GUIDED_CANCELLED, ("不变", "不变")),
    ("guided_update", "reason"): (
        ["更新信息", "不变", "不变", "不变"],
        "（4/4）您外出是为了什么？现在还没有登记。回复数字：1 务工  2 经商  3 求学  4 随迁（跟家人）  5 其他；没变回“不变”。",
        GUIDED_CANCELLED, "不变"),
    ("study_past", "choosing"): (
        ["学习", "往期"],
        "张某，您最近收到的学习资料（新的在前），回复序号再看一篇：\n1. 11月29日《学习党章第一章》\n"
        "回复序号打开，例如回复“1”；想学新的，发“学习”。",
        "好的。想学习随时发“学习”。", "1"),
    ("desk_which", "choosing"): (
        ["已经联系了"],
        "您手上有2件未办完的求助，这句话是答复哪一件？回复序号，我转告本人：\n"
        "1. Q20261129001 陈某 欠薪\n2. Q20261129002 刘某 住房\n不是答复求助请发“取消”。",
        "好的，这句话没有转给党员。", "1"),
    ("transfer_request", "confirming"): (
        ["想把关系转到宁波"],
        "您要申请把组织关系转到浙江宁波吗？确认后我把申请转告支部，由支部为您办理。回复“对”确认，回复“不对”取消。",
        TRANSFER_CANCELLED, "对"),
    ("station_where", "where"): (
        ["附近的阳光驿站"], "想找离您最近的阳光驿站，请把位置发给我：点输入框右边的“＋”，选“位置”，再点“发送”。"
        "也可以直接告诉我在哪个城市，例如“东莞”。", "好的，不找了。想找驿站时再发“附近的阳光驿站”。", "东莞"),
}
CANCEL_WORDS = ["取消", "算了", "不弄了", "算了，不用了。", "取消吧", "那不弄了吧"]


def saved(session):
    """What a dialog could have saved: member changes, tickets and transfer requests."""
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(MemberChange)),
            session.scalar(select(func.count()).select_from(Ticket)),
            session.scalar(select(func.count()).select_from(TransferRequest)))


def in_progress(session, openid):
    session.expire_all()
    row = session.get(DialogState, openid)
    return (row.dialog, row.state) if row else None


def setup(session, key):
    """The roster, and for the dialogs about lessons a lesson to study; for the desk's question,
    the member is a liaison too, with two members' tickets in hand."""
    member = setup_roster(session)
    if key[0] == "study_past":
        make_lesson(session, "学习党章第一章")
        session.commit()
    if key[0] == "station_where":  # stations to find; the member has no city on file
        session.add_all(Station(**fields) for fields in STATIONS)
        session.commit()
    if key[0] == "desk_which":
        desk = Liaison(member_id=member.id, branch_id=member.branch_id)
        session.add(desk)
        session.flush()
        for name, topic, said in (("陈某", "wages", "老板拖欠工资"), ("刘某", "housing", "房东不退押金")):
            other = make_member(session, member.branch, name=name, liaison_id=desk.id)
            open_ticket(session, other, topic, said, now=START, sla=SLA, notice_template_id="t")
        session.commit()


def reach(chat, key):
    for n, text in enumerate(REACH[key][0]):
        if n:
            chat.advance(minutes=1)
        last = chat.say(text)
    return last


def answer(chat, key):
    """Send the answer(s) that finish the dialog from ``key``'s state; the last reply."""
    answers = REACH[key][3]
    for text in (answers,) if isinstance(answers, str) else answers:
        last = chat.say(text)
    return last


def test_every_state_of_every_dialog_is_reached_by_a_conversation():
    assert set(REACH) == {(d.name, s.value) for d in DIALOGS.values() for s in d.states}


@pytest.mark.parametrize("dialog", DIALOGS.values(), ids=list(DIALOGS))
def test_every_declared_state_is_reachable_from_where_the_dialog_starts(dialog):
    assert dialog.reachable() == set(dialog.states)


@pytest.mark.parametrize("key", REACH, ids=["/".join(k) for k in REACH])
def test_the_conversation_reaches_the_state_and_asks_its_question(chat, session, key):
    setup(session, key)
    assert reach(chat, key).endswith(REACH[key][1])
    assert in_progress(session, chat.openid) == key


@pytest.mark.parametrize("word", CANCEL_WORDS)
@pytest.mark.parametrize("key", REACH, ids=["/".join(k) for k in REACH])
def test_every_state_answers_cancel_with_its_dialogs_one_reply_and_nothing_saved(chat, session, key, word):
    setup(session, key)
    reach(chat, key)
    before = saved(session)
    assert chat.say(word) == REACH[key][2]
    assert in_progress(session, chat.openid) is None
    answer(chat, key)  # the answer comes too late: the dialog is over
    assert saved(session) == before


@pytest.mark.parametrize("word", CANCEL_WORDS)
def test_cancel_with_no_question_open_says_there_is_nothing_to_cancel(chat, session, word):
    setup_roster(session)
    assert chat.say(word) == "好的，现在没有要取消的事。需要办什么直接告诉我，或发“菜单”看看我能做什么。"
    assert in_progress(session, chat.openid) is None


@pytest.mark.parametrize("words", ["帮助", "啥意思"])
@pytest.mark.parametrize("key", REACH, ids=["/".join(k) for k in REACH])
def test_help_asks_the_current_question_again_and_the_dialog_goes_on(chat, session, key, words):
    setup(session, key)
    reach(chat, key)
    assert chat.say(words) == REACH[key][1]
    assert in_progress(session, chat.openid) == key


@pytest.mark.parametrize("key", REACH, ids=["/".join(k) for k in REACH])
def test_after_the_timeout_nothing_half_done_is_kept(chat, session, key):
    setup(session, key)
    reach(chat, key)
    before = saved(session)
    chat.advance(seconds=DIALOGS[key[0]].timeout.total_seconds() + 60)
    answer(chat, key)
    assert in_progress(session, chat.openid) is None
    assert saved(session) == before


@pytest.mark.parametrize("key", REACH, ids=["/".join(k) for k in REACH])
def test_the_answer_in_time_finishes_the_dialog(chat, session, key):
    setup(session, key)
    reach(chat, key)
    chat.advance(minutes=1)
    assert not answer(chat, key).endswith(REACH[key][1])
    assert in_progress(session, chat.openid) is None


def test_each_dialog_is_drawn_from_its_declaration():
    phone = DIALOGS["phone_change"].mermaid().splitlines()
    assert phone == ["stateDiagram-v2",
                     "    [*] --> asking",
                     "    [*] --> confirming",
                     "    asking: asking — 等党员发来新号码",
                     "    asking --> asking: 帮助 / 没答上 — 再问一遍",
                     "    asking --> confirming: 一个号码 — 读回",
                     "    asking --> [*]: 答完 / 另有请求 / 取消 / 超时",
                     "    confirming: confirming — 等党员确认读回的新号码",
                     "    confirming --> confirming: 帮助 / 没答上 — 再问一遍",
                     "    confirming --> confirming: 另一个号码 — 重新读回",
                     "    confirming --> [*]: 答完 / 另有请求 / 取消 / 超时"]


def test_kiteline_dialogs_prints_every_diagram():
    result = CliRunner().invoke(main, ["dialogs"])
    assert result.exit_code == 0
    assert result.output == diagrams() + "\n"
    for name, dialog in DIALOGS.items():
        assert f"## {name}\n\n```mermaid\nstateDiagram-v2\n" in result.output
        assert all(f"    [*] --> {s.value}" in result.output for s in dialog.starts_in)


class Two(enum.StrEnum):
    ONE = "one"
    TWO = "two"


def _ask(goes_to=None):
    return Ask("…", lambda ctx, data: "？", lambda msg, ctx, data: Stay(TextReply("？")), goes_to or {})


def test_a_declaration_with_a_state_left_out_fails_when_built():
    with pytest.raises(ValueError, match="without an Ask"):
        Dialog(name="toy", asks={Two.ONE: _ask()}, starts_in=(Two.ONE,), cancelled=lambda ctx, data: "好的")


def test_a_declaration_going_to_another_dialogs_state_fails_when_built():
    class Other(enum.StrEnum):
        X = "x"

    with pytest.raises(ValueError, match="another dialog"):
        Dialog(name="toy", asks={Two.ONE: _ask({Other.X: "…"}), Two.TWO: _ask()}, starts_in=(Two.ONE,),
               cancelled=lambda ctx, data: "好的")


def test_an_unreachable_state_shows_in_reachable():
    toy = Dialog(name="toy", asks={Two.ONE: _ask(), Two.TWO: _ask()}, starts_in=(Two.ONE,),
                 cancelled=lambda ctx, data: "好的", timeout=dt.timedelta(minutes=5))
    assert toy.reachable() == {Two.ONE}
