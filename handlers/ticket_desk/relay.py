"""Passing a liaison's (secretary's, township contact's) words on to the member whose ticket they
answer, and telling the sender how it will reach them.

The words go through ``models.tickets.record_liaison_answer``: the lifecycle moves (the first
answer sets ``first_response_at``), the member is told who answered, and the delivery follows
the platform's rules — a customer-service message inside the member's 48-hour window, else the
"您的求助有新回复" template at once and the full text on their next message. The sender is told
which of these happens, so they know whether to phone as well. An answer passed on counts as
getting in touch with the member (定时联系: ``models.liaison_contacts.record_contact``, kind
``reply``).
"""
from __future__ import annotations

from handlers.context import Context
from models.delivery import window
from models.follower import Follower
from models.liaison_contacts import record_contact
from models.tickets import Actor, Ticket, record_liaison_answer


def relay(ctx: Context, ticket: Ticket, words: str, actor: Actor, *, resolved: bool) -> str:
    """Record ``words`` as ``actor``'s answer to ``ticket`` (``resolved``: and settle it), queue
    it for the member, and return the sentence telling the sender it was done and how it reaches
    the member."""
    now = ctx.clock.now()
    record_liaison_answer(ctx.session, ticket, words, resolved=resolved, now=now, by=actor,
                          template_id=ctx.settings.wechat.templates["ticket_reply"])
    member = ticket.member
    record_contact(ctx.session, member.id, actor.member_id, "reply",
                   f"{'办结' if resolved else '答复'}求助 {ticket.number}" + (f"：{words}" if words else ""), now)
    done = f"{'已把这件求助标为办结' if resolved else '已记下您的答复'}（编号 {ticket.number}）"
    call = f"（电话 {member.phone}）" if member.phone else ""
    if not member.openid:
        return f"{done}，{member.name}没有绑定微信，请电话告诉本人{call}。"
    follower = ctx.session.get(Follower, member.openid)
    if follower is not None and not follower.subscribed:
        return f"{done}。{member.name}已经取消关注公众号，收不到消息，请电话告诉本人{call}。"
    if follower is not None and window.is_open(follower, now):
        return f"{done}，并转告了{member.name}。"
    # Closed: no message from them in 48 hours, or the window's 5 messages already sent.
    spent = follower is not None and follower.window_expires_at is not None and follower.window_expires_at > now
    why = "这两天能收的消息已经发满了" if spent else "近两天没有发过消息"
    return (f"{done}。{member.name}{why}，已先给{member.name}发了“您的求助有新回复”的服务通知，"
            f"全文等{member.name}下次发消息时送到；着急的话请直接打电话。")
