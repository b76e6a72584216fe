"""Long answers, a page at a time: a text reply past WeChat's passive-reply limit is cut at line
ends into pages that fit, the first sent now and ending with how to get the next (回复“更多”),
the others kept (``models.reply_pages``) until the member asks. Nothing is ever cut off: the
hotline at the end of a list, the newest addition to a ticket, the last station all arrive.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from handlers.context import UNREAD, Context, Incoming
from handlers.replies import PASSIVE_REPLY_MAX_BYTES, Reply, TextReply
from models.reply_pages import keep_pages, take_page, unexpired, waiting_pages

FOOTER = "（第{n}/{total}页，回复“更多”看下一页）"
# 更多 with no page waiting (the last one was sent, or nothing was long): said by the fallback
# (``handlers.unknown``) and by a list's dialog, so a member is never told they were not understood.
NOTHING_MORE = "没有更多内容了。想看学习资料发“学习”，看往期发“往期”；发“菜单”看全部功能。"
# What members send for the next page: 更多, 还有吗, 下一页, 继续, 接着说 …
ASKS_MORE = re.compile(r"(?:更多|还有呢?|还有吗|下一页|下页|继续|接着|接着说|后面呢?|然后呢|看更多|发更多)[。.!！?？~～]*")


def answer(msg: Incoming, ctx: Context, route: Callable[[Incoming, Context], Reply]) -> Reply:
    """The next waiting page when the member asks for more; otherwise ``route``'s reply — its
    first page when it is too long, the rest kept. A new question drops older pages."""
    now = ctx.clock.now()
    if ctx.pages is UNREAD:
        waiting = waiting_pages(ctx.session, msg.openid, now)
    else:
        waiting = unexpired(ctx.session, ctx.pages, now)
    if waiting is not None and msg.text is not None and asks_more(msg.text):
        return TextReply(take_page(ctx.session, waiting))
    if waiting is not None:
        ctx.session.delete(waiting)
    reply = route(msg, ctx)
    if not isinstance(reply, TextReply) or _size(reply.text) <= PASSIVE_REPLY_MAX_BYTES:
        return reply
    pages = split(reply.text)
    keep_pages(ctx.session, msg.openid, pages[1:], ctx.clock.now())
    return TextReply(pages[0])


def split(text: str, limit: int = PASSIVE_REPLY_MAX_BYTES) -> list[str]:
    """``text`` as pages of at most ``limit`` UTF-8 bytes each, footer included; cut between
    lines, and inside a line only when one line alone is longer than a page. Every page but the
    last ends with :data:`FOOTER`. A text that fits is one page, unchanged."""
    if _size(text) <= limit:
        return [text]
    room = limit - _size("\n" + FOOTER.format(n=999, total=999))
    chunks: list[str] = []
    for line in text.split("\n"):
        while _size(line) > room:
            head = line.encode("utf-8")[:room].decode("utf-8", errors="ignore")
            chunks.append(head)
            line = line[len(head):]
        chunks.append(line)
    pages, current = [], None
    for chunk in chunks:
        joined = chunk if current is None else f"{current}\n{chunk}"
        if current is not None and _size(joined) > room:
            pages.append(current)
            joined = chunk
        current = joined
    pages.append(current or "")
    total = len(pages)
    return [f"{p}\n{FOOTER.format(n=n, total=total)}" if n < total else p
            for n, p in enumerate(pages, 1)]


def asks_more(text: str) -> bool:
    """Whether ``text`` is a request for the next page (:data:`ASKS_MORE`: 更多, 下一页, 还有吗 …)."""
    return ASKS_MORE.fullmatch(unicodedata.normalize("NFKC", text).strip()) is not None


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
