"""What the member reads about their dues: the 党费 answer (paid, owed, the standard, how to
pay) and the answer to a report (我交了): recorded as pending, already on record, or the question
which months."""
from __future__ import annotations

from handlers.context import Context
from handlers.dues.vocabulary import says_all
from handlers.people import who_to_contact
from models.dues import Standing, channel_named, report_paid
from models.dues.amounts import yuan
from models.dues.file import owed_line, paid_through
from models.dues.months import months_named, written, written_runs

# The member answers this to say they paid, after the 党费 answer or a reminder.
PAID_WORDS = "我交了"


def how_to_pay(ctx: Context) -> str:
    return f"怎么交：{ctx.settings.dues.how_to_pay}"


def answer(ctx: Context, mine: Standing) -> str:
    """The 党费 answer. A member whose branch keeps no dues here is told how to pay and whom to
    ask; otherwise the standard, paid through, the latest payments, what waits for the
    secretary, what is owed and its total, how to pay, and how to say they paid."""
    name = ctx.card.name
    if not mine.kept:
        return (f"党费按月交纳，外出期间也要按时交给您所在的党支部。{how_to_pay(ctx)}\n"
                f"您支部的党费交纳记录还没有登记到这里，交了多少、欠不欠，{who_to_contact(ctx)}")
    lines = [f"{name}，您的党费：", f"月缴纳标准：{yuan(mine.standard_fen)}", paid_through(mine)]
    recent = mine.recent()
    if recent:
        lines.append("最近交纳：" + "；".join(_payment(p) for p in recent))
    if mine.pending:
        lines.append(f"待支部书记确认：{written_runs(mine.pending)}（您报的已交）")
    lines.append(owed_line(mine))
    lines.append(how_to_pay(ctx))
    if mine.owed:
        lines.append(f"交好后回复“{PAID_WORDS}”（或“党费交了 {_example(mine)}”），我转给支部书记确认。")
    return "\n".join(lines)


def _payment(p) -> str:
    how = "，".join(x for x in (f"{p.paid_on.month}月{p.paid_on.day}日" if p.paid_on else "", p.channel or "") if x)
    return f"{written(p.period)} {yuan(p.amount_fen)}" + (f"（{how}）" if how else "")


def _example(mine: Standing) -> str:
    return " ".join(f"{int(p[5:7])}月" for p in mine.owed[:2])


def which_question(ctx: Context, mine: Standing) -> str:
    """Asked when the member said they paid and several months are owed."""
    return (f"您交的是哪几个月？还没交的有：{written_runs(mine.owed)}。"
            f"回复月份，例如“{_example(mine)}”；都交了回复“全部”。")


def reported(ctx: Context, text: str | None, mine: Standing) -> str | None:
    """The answer to a member saying they paid (``text``), the months recorded as pending and
    the secretary told; ``None`` when it is unclear which months (ask :func:`which_question`)."""
    name = ctx.card.name
    if not mine.kept:
        return (f"{name}，您支部的党费交纳记录还没有登记到这里，交了的话请告诉支部，由支部记账。"
                f"{who_to_contact(ctx)}")
    named, bad = months_named(text, mine.current, mine.owed)
    if bad:
        return f"“{bad[0]}”不是有效的月份。请说清交的是哪个月，例如“我交了{int(mine.current[5:7])}月的党费”。"
    if not named:
        if says_all(text) or len(mine.owed) == 1:
            named = mine.owed
        elif len(mine.owed) > 1:
            return None
    if not named:
        if mine.pending:
            return f"{name}，您报的{written_runs(mine.pending)}已交，正等支部书记确认，不用再报。确认了我会告诉您。"
        return (f"{name}，您的党费{paid_through(mine)}，没有欠费，不用再报。"
                f"交的如果是别的月份，请说明，例如“我交了{int(mine.current[5:7])}月的党费”。")
    return record(ctx, named, mine, text)


def record(ctx: Context, named: list[str], mine: Standing, text: str | None) -> str:
    """Record the months ``named`` that can be (not to come, not before the branch keeps dues
    here, not on record already) and say what became of each."""
    future = [p for p in named if p > mine.current]
    early = [p for p in named if p < mine.since]
    already = [p for p in named if p in mine.paid]
    waiting = [p for p in named if p in mine.pending]
    new = [p for p in named if p not in {*future, *early, *already, *waiting}]
    notes = []
    if future:
        notes.append(f"{written_runs(future)}还没到，现在不用交。")
    if early:
        notes.append(f"支部在这里登记的党费从{written(mine.since)}开始，更早的请问支部。")
    if already:
        notes.append(f"{written_runs(already)}已经记为已交。")
    if waiting:
        notes.append(f"{written_runs(waiting)}您已经报过了，正等支部书记确认。")
    if not new:
        return "\n".join([f"{ctx.card.name}，" + "".join(notes), owed_line(_after(mine, []))])
    done = report_paid(ctx.session, ctx.member, new, mine.standard_fen, channel_named(text), ctx.clock.now())
    who = (f"支部书记{done.secretary.name}确认后就记为已交，确认了我会告诉您。" if done.secretary
           else "支部书记还没有绑定微信，支部下次对账时确认；着急的话也可以告诉您的联络员。")
    lines = [f"收到！已记下您交了{written_runs(new)}的党费（共{yuan(mine.standard_fen * len(new))}），"
             f"现在是待确认：{who}", *notes]
    after = _after(mine, new)
    if after.owed:
        lines.append(owed_line(after))
    return "\n".join(lines)


def _after(mine: Standing, new: list[str]) -> Standing:
    """``mine`` with ``new`` reported."""
    return Standing(mine.current, mine.standard_fen, mine.since, mine.paid, sorted(mine.pending + new),
                    [p for p in mine.owed if p not in new])
