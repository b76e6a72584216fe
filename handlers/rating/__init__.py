"""A member's satisfaction rating (满意度) of a resolved help request — an engine stage.

When a liaison resolves a ticket, the member's message says so and asks for a rating
(``models.tickets.notices.ASK_RATING``). While a ticket of theirs waits for one (read ahead with
the sender, so an ordinary message costs no extra statement), a message that begins with a
rating (``vocabulary.read_rating``: 5, ５分, 打5分, 五分, 满意, 很不满意, "4 还行吧 就是慢了点") rates
the ticket resolved last (``models.tickets.rate``): 3–5 closes it, 1–2 reopens it to the branch
secretary, and the member is told which. A number outside 1–5 is asked again, nothing changed.

A message that begins with no rating is not an answer (``None``): the stages after this one
answer it as itself. With nothing waiting for a rating, a message the router understands as
nothing else but that reads as a rating (a second rating, a "5" out of the blue) is told so.
"""
from __future__ import annotations

from handlers import unknown
from handlers.context import Context, Incoming
from handlers.people import hotline
from handlers.rating.vocabulary import Reading, read_rating
from handlers.replies import Reply, TextReply
from models.tickets import OPEN, Rated, Ticket, awaiting_rating, last_rated, rate
from models.tickets.ratings import SCORES

SCALE = "5 很满意，4 满意，3 一般，2 不满意，1 很不满意"
NOTHING_TO_RATE = "现在没有等您打分的求助。有新的困难，直接发“求助”加上情况。"


def rates_ticket(msg: Incoming, ctx: Context) -> Reply | None:
    """The reply to ``msg`` as a rating (see the module docstring), or ``None`` when it is none."""
    card = ctx.card
    if card is None:
        return None
    reading = read_rating(msg.text)
    if reading is None:
        return None
    waits = ctx.sender.rating if ctx.sender is not None else True  # not read ahead: ask the session
    ticket = awaiting_rating(ctx.session, card.id) if waits else None
    if ticket is None:
        if ctx.route is not None and ctx.route.intent != unknown.NAME:
            return None  # the router understood something else: that answers
        return TextReply(_nothing_waits(ctx, card.id))
    return _rated(ticket, reading, ctx)


def _rated(ticket: Ticket, reading: Reading, ctx: Context) -> Reply:
    score = int(reading.score)
    if score != reading.score or score not in SCORES:
        return TextReply(f"请给编号 {ticket.number} 的求助打 1 到 5 分：{SCALE}。也可以说说原因，如“4 还行 就是慢了点”。")
    rated = rate(ctx.session, ticket, score, reading.note, now=ctx.clock.now(),
                 template_id=ctx.settings.wechat.templates["liaison_notice"])
    if not rated.reopened:
        heard = "您的意见已记下。" if reading.note else ""
        return TextReply(f"谢谢您的评价（{score}分）！编号 {ticket.number} 的求助已结案。{heard}"
                         "以后有困难，随时发“求助”加上情况。")
    return TextReply(f"收到您的评价（{score}分），很抱歉没让您满意。编号 {ticket.number} 的求助已重新打开，"
                     f"{_who_follows(rated, ctx)}")


def _who_follows(rated: Rated, ctx: Context) -> str:
    if rated.follow_up is not None:
        person = rated.follow_up.person
        return f"转给{rated.follow_up.title}{person.name}跟进，{person.name}会尽快联系您。"
    liaison = rated.ticket.liaison.member.name if rated.ticket.liaison else "工作人员"
    return f"仍由{liaison}跟进；着急的话可以拨打{hotline(ctx)}。"


def _nothing_waits(ctx: Context, member_id: int) -> str:
    """A rating with no ticket waiting for one: said twice, or about nothing."""
    ticket = last_rated(ctx.session, member_id)
    if ticket is None:
        return NOTHING_TO_RATE
    where = "正在跟进" if ticket.status in OPEN else "已结案"
    return (f"编号 {ticket.number} 的求助您已经打过分了（{ticket.satisfaction}分），{where}，谢谢您！"
            "有新的困难，直接发“求助”加上情况。")
