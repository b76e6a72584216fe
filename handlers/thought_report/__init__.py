"""思想汇报 (thought_report): a member hands in a thought report by chat.

- "思想汇报：……" (either colon, or 思想汇报 and enough words after it) in one message is handed
  in at once (``handlers.thought_report.submit``): numbered, counted for the quarter, points
  awarded, the branch secretary told;
- "思想汇报", "交思想汇报", "我要写思想汇报", a question about them, starts the draft dialog
  (``handlers.thought_report.draft``): paragraphs until 提交, a preview, 确认; a long message
  about them without the heading is the draft's first paragraph;
- "我的思想汇报": what they handed in, read or not, the comments (``handlers.thought_report.mine``);
- 提交 with no draft open: said so.

The secretary's commands (阅 编号 意见, 待阅, the number alone) are in
``handlers.thought_report.reading``.
"""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dialog_machine import late_answer, words
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from handlers.thought_report import draft, phrases
from handlers.thought_report.mine import mine_text
from handlers.thought_report.submit import hand_in
from handlers.thought_report.vocabulary import VOCABULARY
from models.thought_reports.limits import word_count
from models.thought_reports.readers import reader_for

NAME = draft.NAME
# A message this long (in words) about thought reports, with no heading, is the report itself:
# it opens a draft rather than be asked about.
LETTER_MIN = 50
NOTHING_TO_SUBMIT = (f"现在没有正在写的思想汇报（超过 {draft.HOURS} 小时没提交的草稿会作废）。想交的话发“思想汇报”一段一段写，"
                     "也可以一条消息发“思想汇报：”加上全文。")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Hand in a headed report, list the member's own, or start a draft (see the module)."""
    text = msg.text or ""
    body = phrases.headed_body(text, ctx.settings.thought_report.min_chars)
    if body is not None:
        return TextReply(hand_in(ctx, body))
    said = words(ctx.route.normalised if ctx.route is not None else text)
    if phrases.MINE.search(said):
        return TextReply(mine_text(ctx))
    if phrases.TO_WHOM.search(said):
        return TextReply(to_whom(ctx))
    # a draft that lapsed since the member last wrote: said so before anything else
    lapsed = late_answer(ctx, {NAME: draft.DIALOG})
    if phrases.SUBMIT.fullmatch(said):
        return lapsed or TextReply(NOTHING_TO_SUBMIT)
    if word_count(text) >= LETTER_MIN and phrases.HEADING.match(text) is None:
        if len(text.strip()) > ctx.settings.thought_report.max_chars:
            return TextReply(hand_in(ctx, text))  # refused as too long, with the limit
        started = draft.start(msg, ctx, first=text.strip())
    else:
        started = draft.start(msg, ctx)
    return TextReply(f"{lapsed.text}\n{started}" if isinstance(lapsed, TextReply) else started)


def to_whom(ctx: Context) -> str:
    """Who reads the member's reports (``models.thought_reports.readers``) and how to hand one in."""
    reader = reader_for(ctx.session, ctx.member)
    who = (f"您的思想汇报由{reader.role}{reader.member.name}阅，发给我就行，我转交并把意见告诉您。" if reader else
           "您的思想汇报发给我就行，我记下后交给支部；支部书记还没有绑定微信，阅后的意见会由支部转告您。")
    return who + "发“思想汇报”一段一段写，或者一条消息发“思想汇报：”加上全文。"


INTENT = Intent(name=NAME, usage="思想汇报 —— 交思想汇报、看交过的",
                offer=Offer("交思想汇报", "思想汇报"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
