"""The member's reply to their liaison: a conversation, not a form.

A liaison who answered a ticket has often asked the member something (哪个工地? 包工头姓什么?
明天方便接电话吗?). For ``liaison.follow_up_hours`` after that answer, while the ticket stays
``answered``, the member's next words are their reply: added to the ticket (event ``added``)
and passed on to whoever has it in hand, and the member is told so by name — not asked a
numbered question, not told 没看懂, and not filed as a new ticket.

Words that say they add to it (补充…, 再补充一点) are the reply whatever else they name: 补充：工地在
苏州工业园区 is about the case, not the member's whereabouts.

What is not a reply goes on through the engine's later stages:

* a clear other request, by the one rule a dialog's answer gets
  (``handlers.dialog_machine.clear_other_request``): 学习, 我看完啦, 我们支部排第几, 我的积分.
  As a dialog's step reads its answer before that rule is asked, this stage reads its own first:
  any words may be a reply to the liaison, so words the router only guessed at from resemblance
  (``Route.guessed``: 问题解决了 resembles the menu's thanks, 有工资条 party dues) or found too
  close to call (``Route.clarify``) are the reply, and only an intent their words name goes on;
* a help request about another matter — a topic named that is not the ticket's
  (孩子上学报不上名 while the ticket is about wages) — or asking how requests are going
  (我的求助办得咋样了, ``progress.asks_progress``): the help-request capability answers them;
* a pure courtesy (谢谢, 好的): a courtesy back (``menu.courtesy_word``) that says the liaison
  can still be reached this way; nothing is added for the liaison to read.

An engine stage (``handlers.engine``): it answers or returns ``None``. Whether the sender has such
a ticket is read with the sender (``models.inbound_sender``: ``awaiting_reply``), so a member
without one costs no statement here.
"""
from __future__ import annotations

import datetime as dt
import re

from handlers import menu
from handlers.context import Context, Incoming
from handlers.dialog_machine import clear_other_request
from handlers.help_request.progress import (
    asks_progress,
    fastest_call,
    holder_of,
    holder_words,
)
from handlers.nlu.route import Route
from handlers.replies import Reply, TextReply
from models.tickets import Ticket, add_to_ticket
from models.tickets.tickets import awaiting_reply

# The capability whose requests may be the same matter as the ticket (its name, as routed).
HELP_REQUEST = "help_request"
# Words that open a message by saying it adds to the request: 补充, 再补充一点, 还要补充.
ADDS = re.compile(r"(?:再|还要|还想|我再|我还要|我)?补充")


def answers_liaison(msg: Incoming, ctx: Context) -> Reply | None:
    """The member's words join the ticket awaiting their reply, if there is one and the words
    are no other request (see the module's docstring); ``None`` otherwise."""
    ticket_id = _awaiting(ctx)
    if ticket_id is None:
        return None
    route = ctx.route  # routed before any stage (handlers.engine.dispatch)
    text = (msg.text or "").strip()
    adds = ADDS.match(text) is not None
    if not adds and _named(route) and clear_other_request(msg.text, route) and route.intent != HELP_REQUEST:
        return None
    courtesy = menu.courtesy_word(msg.text)
    ticket = ctx.session.get(Ticket, ticket_id)
    if courtesy is not None and not adds:
        return TextReply(f"{courtesy}还有什么要跟{holder_words(ticket)}说的，直接发给我，我转过去。")
    if not adds and route.intent == HELP_REQUEST and (asks_progress(msg, ctx) or _another_matter(route, ticket)):
        return None
    told = add_to_ticket(ctx.session, ticket, text, now=ctx.clock.now())
    who = holder_of(ticket)
    if told:
        return TextReply(f"收到，已转给{holder_words(ticket)}（求助编号 {ticket.number}）。还有要说的，直接发给我。")
    reach = f"{who.name}还没开通微信通知，" if who is not None else ""
    return TextReply(f"收到，已记在您的求助里（编号 {ticket.number}）。{reach}{fastest_call(ticket, ctx)}")


def _awaiting(ctx: Context) -> int | None:
    """The id of the sender's ticket awaiting their reply: as read with the sender, else asked."""
    if ctx.sender is not None:
        return ctx.sender.awaiting_reply
    if ctx.card is None:
        return None
    since = ctx.clock.now() - dt.timedelta(hours=ctx.settings.liaison.follow_up_hours)
    ticket = awaiting_reply(ctx.session, ctx.card.id, since)
    return ticket.id if ticket is not None else None


def _named(route: Route) -> bool:
    """The member's words name the routed intent: not a resemblance alone, not a close call."""
    return not route.guessed and not route.clarify


def _another_matter(route: Route, ticket: Ticket) -> bool:
    """A help request whose topic is named, not the ticket's, the ticket's not being ``other``."""
    topic = route.slots.get("help_topic", "other")
    return not route.guessed and "other" not in (topic, ticket.topic) and topic != ticket.topic
