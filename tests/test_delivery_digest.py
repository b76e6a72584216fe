"""Someone hears of a notice that never arrived: the branch secretary in a daily digest, and the
district's staff through ``kiteline report delivery``.

The liaison here unfollowed the account after a help request was filed, so the notice to them
is dropped; the secretary (a bound member of the branch, named on the branch) is told who did
not get what, with a masked phone, in words they can act on.
"""
from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from models.delivery.outbox import OutboxMessage
from models.org import Organization
from scheduler.jobs import send_delivery_digests
from tests.conftest import CONFIG_FILE
from tests.factories import make_member
from tests.test_help_request import setup_roster

pytestmark = pytest.mark.postgres

LIAISON = "oKite_liaison_0001"
SECRETARY = "oKite_secretary_0001"
DIGEST = ("【通知未送达汇总】白杨村党支部 11月29日，有1条通知没有送到，请电话转告本人：\n"
          "1. 11-29 09:00 新求助通知，收件人李某（139****0001）：对方已取消关注公众号")


def branch_with_secretary(session, bound: bool = True) -> Organization:
    member = setup_roster(session)
    branch = member.branch
    branch.secretary_name, branch.secretary_phone = "王某", "13700000001"
    make_member(session, branch, name="王某", phone="13700000001", status="home",
                openid=SECRETARY if bound else None)
    session.commit()
    return branch


def drop_a_notice(chat, make_chat, send) -> None:
    """A help request is filed; its liaison unfollows before the notice goes out."""
    liaison = make_chat(LIAISON)
    liaison.say("你好")
    chat.say("求助 老板拖欠了三个月工资")
    liaison.unfollow()
    assert send() == 0


def inbox(app, openid: str) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def test_the_secretary_hears_of_a_notice_that_never_arrived(chat, make_chat, session, app, send, job_runtime):
    branch_with_secretary(session)
    secretary = make_chat(SECRETARY)
    secretary.say("你好")
    drop_a_notice(chat, make_chat, send)
    assert send_delivery_digests() == 1
    assert send() == 1
    assert inbox(app, SECRETARY) == [("custom", DIGEST)]

    chat.advance(days=1)
    assert send_delivery_digests() == 0  # nothing is listed twice
    assert send() == 0


def test_a_secretary_outside_the_window_gets_a_template_now_and_the_list_on_their_next_message(
        chat, make_chat, session, app, send, job_runtime):
    branch_with_secretary(session)
    secretary = make_chat(SECRETARY)
    secretary.say("你好")
    chat.advance(hours=49)
    drop_a_notice(chat, make_chat, send)
    assert send_delivery_digests() == 1
    assert send() == 1
    assert inbox(app, SECRETARY) == [("template", "thing1: 1条通知未送达\nthing2: 白杨村党支部\n"
                                                  "time3: 2026-12-01 10:00\nthing4: 回复任意消息查看明细")]
    secretary.say("收到")
    assert send() == 1
    assert inbox(app, SECRETARY)[1][0] == "custom"
    assert "李某（139****0001）：对方已取消关注公众号" in inbox(app, SECRETARY)[1][1]


def test_a_branch_without_a_reachable_secretary_is_logged_and_its_rows_stay_listed(
        chat, make_chat, session, app, send, job_runtime, caplog):
    branch_with_secretary(session, bound=False)
    drop_a_notice(chat, make_chat, send)
    with caplog.at_level(logging.ERROR):
        assert send_delivery_digests() == 0
    assert any(r.levelno == logging.ERROR and "白杨村党支部" in r.getMessage() and "1 " in r.getMessage()
               for r in caplog.records)
    session.expire_all()
    dropped = session.scalar(select(OutboxMessage).where(OutboxMessage.status == "dropped"))
    assert dropped.reported_at is None

    make_chat(SECRETARY).say("绑定 王某 13700000001")  # the secretary binds like any member
    assert send_delivery_digests() == 1


def test_report_delivery_lists_what_needs_attention(chat, make_chat, session, app, send, db_url):
    branch_with_secretary(session)
    drop_a_notice(chat, make_chat, send)
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "delivery", "--days", "36500"],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("消息发送情况")
    assert any(line.split()[:2] == ["新求助通知", "未送达"] and line.split()[-1] == "1" for line in lines), result.output
    attention = next(line for line in lines if "李某" in line)
    assert "2026-11-29 09:00" in attention
    assert "139****0001" in attention and "13900000001" not in result.output
    assert "白杨村党支部" in attention and "对方已取消关注公众号" in attention

    other = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "delivery", "--days", "36500",
                                      "--org", "沙河村党支部"], env={"KITELINE_DATABASE__URL": db_url})
    assert other.exit_code == 2 and "沙河村党支部" in other.output  # no such organisation
