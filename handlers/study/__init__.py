"""Study (学习): lessons on request in chat — today's lesson (of a category), 下一课 / 上一课,
往期 (and a number to open one again), 我学完了, 我的学习记录 — and the same by menu buttons.

Which of these a message asks is read by ``handlers.study.asks``; the answers live in
``lessons`` (giving lessons), ``past`` (the numbered list and its dialog) and ``record``.
"""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from handlers.study import lessons, past, record
from handlers.study.asks import Ask, asked
from handlers.study.lesson_text import TALK_TO_SOMEONE
from handlers.study.vocabulary import VOCABULARY
from models import study_history
from models.lesson import CATEGORY_NAMES

NAME = "study"
__all__ = ["INTENT", "NAME", "TALK_TO_SOMEONE", "handle"]


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Answer what the message (or menu button) asks of study (``handlers.study.asks``), for
    the lesson category the router found (``category`` slot) when it names one the library
    has."""
    category = ctx.route.slots.get("category") if ctx.route else None
    if category not in CATEGORY_NAMES:
        category = None  # no category asked, or one the library does not have
    said = (ctx.route.normalised if ctx.route else "") or msg.text or ""
    ask = asked(said, msg.event_key if msg.msg_type == "event" else None)
    if ask is Ask.NEXT:
        return TextReply(lessons.next_one(ctx, category))
    if ask is Ask.PREVIOUS:
        return TextReply(lessons.previous(ctx))
    if ask is Ask.PAST:
        return past.past(msg, ctx)
    if ask is Ask.RECORD:
        return TextReply(record.record(ctx))
    if ask is Ask.DONE:
        now = ctx.clock.now()
        on = study_history.current(ctx.session, ctx.card.id)
        if study_history.recent(on, now):
            return TextReply(lessons.finish(ctx, on, now))
        return past.which_finished(msg, ctx)
    return TextReply(lessons.todays(ctx, category, said))


INTENT = Intent(name=NAME, usage="学习 —— 看今天的学习资料；还可以发 下一课、学完了、学习记录",
                offer=Offer("看今天的学习资料", "学习"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(owns_about=True),
                handle=handle)
