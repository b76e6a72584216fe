"""我的学习记录: what the member read lately and when, this month's count, and how to go on."""
from __future__ import annotations

from handlers.context import Context
from handlers.study.lesson_text import day
from models import study_history
from models.clock import SHANGHAI
from models.hanzi import book_title

# The lessons listed: the last few; 往期 lists more and opens them.
SHOWN = 5


def record(ctx: Context) -> str:
    """The member's study record: this month's lessons received and finished (and opened by
    their link, once any were), then the last :data:`SHOWN` lessons — date given, title, and
    whether opened and finished (with the date) — and the next steps."""
    now = ctx.clock.now()
    month = study_history.month_study(ctx.session, ctx.card.id, now)
    if month.last is None:
        return (f"{ctx.card.name}，您还没有学习记录。发“学习”看今天的学习资料，"
                "学完后回“学完了”，就会记在这里。")
    opened = f"，打开{month.opened}篇" if month.opened else ""
    lines = [f"{ctx.card.name}，您的学习记录：",
             (f"本月（{now.astimezone(SHANGHAI).month}月）收到学习资料{month.received}篇，"
              f"学完{month.completed}篇{opened}。"),
             "最近收到的："]
    for given in study_history.history(ctx.session, ctx.card.id, SHOWN):
        lines.append(f"· {day(given.delivered_at)}{book_title(given.lesson.title)}{_state(given)}")
    lines.append("发“学习”接着学，学完回“学完了”；发“往期”可以重看以前的资料。")
    return "\n".join(lines)


def _state(given: study_history.Given) -> str:
    marks = (["已打开"] if given.opened_at is not None else []) + (
        [f"已学完（{day(given.completed_at)}）"] if given.completed_at is not None else [])
    return f" {'、'.join(marks)}" if marks else ""
