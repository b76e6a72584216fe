"""``serve --demo`` shows organisational life: each branch's next meeting with the code it prints,
and a past 主题党日 of 白杨村党支部 with attendance, in the member file and the report."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from bot.demo import load_demo
from models.meetings import Attendance, Meeting


def test_the_demo_prints_each_branchs_code_and_the_meetings_answer(runtime, session, chat, clock):
    text = load_demo(runtime)
    codes = re.findall(r"党支部 \S+ \S+：签到码 (\d{4})", text)
    assert codes == ["4821", "5937", "6042", "7315"]
    assert session.scalar(select(func.count()).select_from(Meeting)) == 5
    assert session.scalar(select(func.count()).select_from(Attendance)) == 6
    assert chat.say("绑定 张某明 13800001234").startswith("绑定成功！")
    assert chat.say("下次组织生活什么时候").startswith(
        "白杨村党支部接下来的组织生活：\n1. 主题党日《学习贯彻党的二十届三中全会精神》\n")
    assert ("【组织生活】今年参加1次；下次：12月13日（周日）19:30 主题党日《学习贯彻党的二十届三中全会精神》"
            "（发“开会”看地点和签到办法）\n") in chat.say("我的档案")
    assert '{"set": "2026-12-13T19:20"}' in text  # the printed move to just before it, then check in
    clock.current = dt.datetime(2026, 12, 13, 11, 20, tzinfo=dt.UTC)
    assert chat.say("签到 4821") == ("签到成功 ✓ 主题党日《学习贯彻党的二十届三中全会精神》（今天 19:30）。"
                                   "记入组织生活积分 5 分，发“我的积分”可以查看。")
