"""The dues dialog (``dues``): after the 党费 answer a bare 交了 / 已交 / 我交了 is plainly about dues
(state ``answered``; anything else is a new request, answered as if no dialog were in progress);
when a member says they paid and several months are owed, which ones (state ``which_months``:
11月 12月, 全部). Cancel, 帮助 and the timeout are the engine's, as for every dialog."""
from __future__ import annotations

from enum import StrEnum

from handlers import unknown
from handlers.context import Context, Incoming
from handlers.dialog_machine import UNCLEAR, Ask, Dialog, Done, GoTo, HandOff, Result
from handlers.dues.replies import answer, reported, which_question
from handlers.dues.vocabulary import says_all, says_paid
from handlers.replies import TextReply
from models.dues import standing
from models.dues.months import months_named

# The dues intent's name (handlers.dues.NAME; that package imports this module).
NAME = "dues"


class State(StrEnum):
    ANSWERED = "answered"
    WHICH_MONTHS = "which_months"


def _mine(ctx: Context):
    return standing(ctx.session, ctx.card.id, ctx.clock.now())


def _after_answer(msg: Incoming, ctx: Context, data: dict) -> Result:
    """交了 after the 党费 answer is a report; anything else goes on as a new request — 我交了思想汇报
    too: paid words naming another capability (the router's sure reading) are not about dues."""
    route = ctx.route
    elsewhere = route is not None and route.intent not in (NAME, unknown.NAME) and not route.guessed
    if not says_paid(msg.text) or elsewhere:
        return HandOff()
    mine = _mine(ctx)
    reply = reported(ctx, msg.text, mine)
    if reply is None:
        return GoTo(State.WHICH_MONTHS, TextReply(which_question(ctx, mine)))
    return Done(TextReply(reply))


def _which_months(msg: Incoming, ctx: Context, data: dict) -> Result:
    mine = _mine(ctx)
    named, bad = months_named(msg.text, mine.current, mine.owed)
    if not (named or bad or says_all(msg.text)):
        return UNCLEAR
    return Done(TextReply(reported(ctx, msg.text if (named or bad) else "全部", mine) or which_question(ctx, mine)))


DIALOG = Dialog(
    name=NAME,
    asks={
        State.ANSWERED: Ask("党费答复之后，等党员说“交了”", lambda ctx, data: answer(ctx, _mine(ctx)),
                            _after_answer, goes_to={State.WHICH_MONTHS: "说交了，欠好几个月"}),
        State.WHICH_MONTHS: Ask("等党员说交的是哪几个月", lambda ctx, data: which_question(ctx, _mine(ctx)),
                                _which_months, not_understood="没看出是哪几个月。"),
    },
    starts_in=(State.ANSWERED, State.WHICH_MONTHS),
    cancelled=lambda ctx, data: "好的，没有记。交了党费随时告诉我“我交了”。",
)
