"""The conversation engine: which part of kiteline answers a message. The order, stated once:

1. events and custom-menu keys (follow, QR scan, CLICK ``EventKey``, location) and messages
   without text (images, links, blank text): nothing to route; a menu key naming an intent is a
   new request, so a dialog in progress ends with its ``dropped`` line, as when typed; a shared
   location answers a dialog whose question it answers (its state's ``location`` step: 附近的阳光驿站
   asked where the member is), and otherwise becomes the member's destination, with the nearest
   sunshine station in one line;
2. words of despair (``handlers.crisis``): a help request before anything else, any dialog in
   progress ended;
3. role commands (``handlers.commands``): exact syntax, for the roles declared with each
   (a liaison's "Q20261129001 已解决", a member's own ticket number); a dialog in progress waits;
4. a dialog in progress (``handlers.dialog_machine``): cancel words end it, 帮助 asks its
   question again, its step reads the answer, and what the step does not take is a new request
   when the router found a clear other intent — then the dialog ends and the message goes on
   to 5, 6 and 7 as if none were in progress (a hand-off), the answer after the dialog's
   ``dropped`` line; a message that is no request after the dialog lapsed gets its ``expired``
   sentence; then a satisfaction rating of a resolved help request (``handlers.rating``: 5, 满意,
   "4 还行吧 就是慢了点" — a message beginning with no rating goes on); then the answer to an open
   verification ask (``handlers.verification``: 没变, a correction — anything else goes on, the
   ask kept); cancel words with no dialog in progress are told there is nothing to cancel;
5. a liaison's (secretary's, township contact's) answer to a ticket written without its number
   (``handlers.ticket_desk.answers_without_number``: passed on, or "which one?"; never filed as
   a help request for themself without help words of their own) — before a member's reply to
   their own liaison, so a liaison's words about a member's case never join the liaison's own
   ticket; then the member's reply to a liaison who answered their ticket lately
   (``handlers.help_request.follow_up``: 工地叫宏达建设 包工头姓李 joins the ticket and reaches
   the liaison; a clear other request — the rule of stage 4, named by the member's words (我看完啦,
   我们支部排第几) — another matter or 我的求助办得咋样了 goes on; 谢谢 gets a courtesy) — both
   after a dialog or verification ask waiting for its own answer, and before the clarifying
   question, which would ask the member what they meant;
6. the clarifying question (``handlers.dialogs.clarify``), when the router finds two intents
   too close to call;
7. the handler of the routed intent, with an offer for a second request in the same message;
   the fallback (``handlers.unknown``) is the intent the router picks when nothing matched.

The text is routed once, before stage 2, so crisis words are read on the normalised text and a
dialog can tell an answer from a new request. Handlers never import this module: a dialog step
returns a result (``Done``, ``HandOff`` …) and the engine acts on it. What is registered —
intents, dialogs, commands — is listed in ``handlers.registry``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers import (
    bind,
    crisis,
    help_request,
    menu,
    rating,
    station,
    ticket_desk,
    unknown,
    update_info,
    verification,
)
from handlers.capability import Intent
from handlers.commands import find
from handlers.context import Context, Incoming
from handlers.dialog_machine import (
    UNCLEAR,
    Dialog,
    Done,
    GoTo,
    HandOff,
    Result,
    Stay,
    asks_for_help,
    cancels,
    clear_other_request,
    end,
    in_progress,
    keep,
    late_answer,
    left_for,
    reask,
)
from handlers.dialogs import clarify
from handlers.help_request import follow_up
from handlers.nlu.router import Router
from handlers.registry import BY_NAME, COMMANDS, DIALOGS, INTENTS
from handlers.replies import NoReply, Reply, TextReply
from models.dialog import DialogState

# 取消 when no question is waiting for an answer.
NOTHING_TO_CANCEL = "好的，现在没有要取消的事。需要办什么直接告诉我，或发“菜单”看看我能做什么。"
# A choice in the clarifying question whose intent has no usage line (the menu itself).
MENU_LABEL = "菜单 —— 看全部功能"
# The routed intent that is no request at all: nothing matched.
FALLBACK = unknown.NAME

Stage = Callable[[Incoming, Context], "Reply | None"]


def dispatch(msg: Incoming, ctx: Context, router: Router) -> Reply:
    """Answer one inbound message in the order stated in this module's docstring.

    Returns exactly one Reply; never raises for member input (a handler's bug is caught once,
    in the webhook, which answers with a fixed apology)."""
    ctx.commands = COMMANDS
    ctx.intents = INTENTS
    if msg.msg_type in ("event", "location") or not (msg.text or "").strip():
        return _without_text(msg, ctx)
    ctx.route = router.route(msg.text)
    for stage in STAGES:
        reply = stage(msg, ctx)
        if reply is not None:
            return reply
    raise AssertionError("the intent stage always answers")


def answer(msg: Incoming, ctx: Context) -> Reply:
    """The handler of ``ctx.route.intent`` answers (unbound followers asking a non-public
    thing are told how to bind)."""
    intent = BY_NAME[ctx.route.intent]
    return _for_member(intent, msg, ctx, intent.handle)


def _crisis(msg: Incoming, ctx: Context) -> Reply | None:
    if not crisis.speaks_of_it(ctx.route.normalised):
        return None
    end(ctx.session, msg.openid)
    ctx.route = replace(ctx.route, intent=help_request.NAME, clarify=False, guessed=False, offer=None)
    return answer(msg, ctx)


def _role_command(msg: Incoming, ctx: Context) -> Reply | None:
    found = find(COMMANDS, msg.text, lambda: ctx.roles)
    if found is None:
        return None
    command, args = found
    return command.handle(msg, ctx, args)


def _dialog(msg: Incoming, ctx: Context) -> Reply | None:
    row = in_progress(ctx.session, msg.openid, ctx.clock.now(), ctx.dialog)
    if row is None:  # none, or lapsed: a message that is no request is told the dialog lapsed
        late = isinstance(ctx.dialog, DialogState) and ctx.route.intent == FALLBACK and not menu.courtesy_reply(msg.text)
        return late_answer(ctx, DIALOGS) if late else None
    dialog = DIALOGS.get(row.dialog)
    state = dialog.state_named(row.state) if dialog else None
    if state is None:  # a dialog or state this version no longer has: as if it had lapsed
        end(ctx.session, msg.openid)
        return None
    return _act(_turn(dialog, state, msg, ctx, dict(row.data)), dialog, row, msg, ctx)


def _turn(dialog: Dialog, state, msg: Incoming, ctx: Context, data: dict) -> Result:
    """The rules every dialog shares, around the state's own step."""
    ask = dialog.asks[state]
    if cancels(msg.text):
        return Done(TextReply(dialog.cancelled(ctx, data)))
    if asks_for_help(msg.text):
        return reask(ask, ctx, data, unclear=False)
    result = ask.step(msg, ctx, data)
    if result is not UNCLEAR:
        return result
    return HandOff() if clear_other_request(msg.text, ctx.route) else reask(ask, ctx, data, unclear=True)


def _act(result: Result, dialog: Dialog, row: DialogState, msg: Incoming, ctx: Context) -> Reply | None:
    if isinstance(result, Stay):
        return result.reply
    if isinstance(result, GoTo):
        if result.state not in dialog.asks[dialog.state_named(row.state)].goes_to:
            raise ValueError(f"dialog {dialog.name!r}: {row.state} does not go to {result.state}")
        keep(ctx.session, msg.openid, dialog, result.state,
             row.data if result.data is None else result.data, ctx.clock.now())
        return result.reply
    end(ctx.session, msg.openid)
    if isinstance(result, Done):
        return result.reply
    if result.route is None:  # a new request: the stages after this one answer it, after a word on the dialog
        rest = (stage(msg, ctx) for stage in STAGES[STAGES.index(_dialog) + 1:])
        return left_for(dialog, ctx, row.data, next(r for r in rest if r is not None))
    ctx.route = result.route
    return answer(msg if result.text is None else replace(msg, text=result.text), ctx)


def _nothing_to_cancel(msg: Incoming, ctx: Context) -> Reply | None:
    """取消 (算了, 不弄了 …) with no question waiting: said so, not the menu or 没看懂."""
    return TextReply(NOTHING_TO_CANCEL) if cancels(msg.text) else None


def _clarify(msg: Incoming, ctx: Context) -> Reply | None:
    """Ask which of the route's intent and alternatives the member means; choices the sender
    could not use (unbound) or no longer needs (bound: binding) are left out, and with fewer than
    two left the best remaining one is answered."""
    route = ctx.route
    if not route.clarify:
        return None
    bound = ctx.card is not None
    choices = [i for i in [route.intent, *route.alternatives][:3]
               if (not BY_NAME[i].for_unbound if bound else BY_NAME[i].public)]
    if len(choices) < 2:
        if bound and choices and BY_NAME[route.intent].for_unbound:
            ctx.route = replace(route, intent=choices[0])
        return answer(msg, ctx)
    return clarify.ask(msg, ctx, choices, [BY_NAME[i].usage or MENU_LABEL for i in choices])


def _intent(msg: Incoming, ctx: Context) -> Reply:
    return with_offer(answer(msg, ctx), ctx)


STAGES: tuple[Stage, ...] = (_crisis, _role_command, _dialog, rating.rates_ticket, verification.answers_ask,
                             _nothing_to_cancel, ticket_desk.answers_without_number, follow_up.answers_liaison,
                             _clarify, _intent)


def with_offer(reply: Reply, ctx: Context) -> Reply:
    """``reply`` with one line offering the message's second request (``ctx.route.offer``):
    “另外，想{wish}，请再发“{word}”。” from the offered intent's ``offer`` (wish, word) — the
    wish a verb phrase that reads after 想, the word what to send. No offer when the follower
    could not use it yet (not bound), or when the reply already says to send that word (an
    unbound follower who wrote a phone number was just told to send “绑定 姓名 手机号”)."""
    route = ctx.route
    if route is None or route.offer is None or not isinstance(reply, TextReply):
        return reply
    intent = BY_NAME[route.offer]
    if ctx.card is None and not intent.public:
        return reply
    wish, word = intent.offer
    if f"“{word}”" in reply.text:
        return reply
    return TextReply(f"{reply.text}\n另外，想{wish}，请再发“{word}”。")


def _for_member(intent: Intent, msg: Incoming, ctx: Context, handle) -> Reply:
    if ctx.card is None and not intent.public:
        return bind.ask_to_bind(msg, ctx)
    return handle(msg, ctx)


def _menu_request(intent: Intent, msg: Incoming, ctx: Context) -> Reply:
    """A menu button is a new request, as typing it is: a dialog in progress ends first, its
    ``dropped`` line before the answer. The dialog row is the one the webhook read ahead
    (``ctx.dialog``), so a click with no dialog costs no statement."""
    row = in_progress(ctx.session, msg.openid, ctx.clock.now(), ctx.dialog)
    if row is None:
        return _for_member(intent, msg, ctx, intent.handle)
    dialog, data = DIALOGS.get(row.dialog), dict(row.data)  # read before the answer may start a dialog anew
    end(ctx.session, msg.openid)
    reply = _for_member(intent, msg, ctx, intent.handle)
    return left_for(dialog, ctx, data, reply) if dialog else reply


def _without_text(msg: Incoming, ctx: Context) -> Reply:
    """Stage 1: events, menu keys, shared locations, and messages with no text."""
    if msg.msg_type == "location":
        return _location(msg, ctx)
    if msg.msg_type != "event":
        return unknown.on_non_text(msg, ctx)
    event = msg.event or ""
    if event == "subscribe" or event == "scan":
        return bind.on_follow_or_scan(msg, ctx)
    if event == "unsubscribe":
        return bind.on_unsubscribe(msg, ctx)
    if event == "location":
        return update_info.on_location_event(msg, ctx)
    if event == "click":
        intent = menu.MENU_KEYS.get(msg.event_key or "")
        if intent is None:
            return menu.handle(msg, ctx)
        declared = BY_NAME[intent]
        return _menu_request(declared, msg, ctx)
    # Report events (VIEW, TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH …) and any event type
    # WeChat adds later: "success", nothing shown.
    return NoReply()


def _location(msg: Incoming, ctx: Context) -> Reply:
    """A shared location: the answer to the question of a dialog in progress that takes one
    (its state's ``location`` step), else the member's new destination
    (``handlers.update_info.on_location``) with the nearest sunshine station in one line."""
    row = in_progress(ctx.session, msg.openid, ctx.clock.now(), ctx.dialog)
    dialog = DIALOGS.get(row.dialog) if row is not None else None
    state = dialog.state_named(row.state) if dialog is not None else None
    ask = dialog.asks[state] if state is not None else None
    if ask is not None and ask.location is not None:
        return _act(ask.location(msg, ctx, dict(row.data)), dialog, row, msg, ctx)
    reply = _for_member(update_info.INTENT, msg, ctx, update_info.on_location)
    return station.with_nearest(reply, ctx, msg) if ctx.card is not None else reply
