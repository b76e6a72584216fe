"""Which handler answers a message. The order is fixed and stated once, here:

1. events and custom-menu keys (follow, QR scan, CLICK ``EventKey``, location): no text to route;
2. words of despair (``handlers.crisis``): a help request before anything else, any dialog in
   progress ended; then a message naming a ticket number: a red liaison's answer to it
   (``handlers.liaison_answer``), or the member who filed it asking where it stands;
3. a dialog in progress for this openid (``models.dialog.DialogState``, not expired) — the text
   is routed first so the dialog can tell an answer from a new request; a dialog that finds a
   new request ends, and the message goes on to 4 and 5 as if none were in progress;
4. the clarifying question, when the router finds two intents too close to call;
5. the handler of the routed intent (global words 取消 / 帮助 / 人工 are intents like any other),
   with an offer for a second request in the same message;
6. the fallback (``handlers.unknown``), which the router picks when nothing matched.

Every intent module declares ``INTENT``, ``USAGE`` (one line for the menu, or ``None``),
``OFFER`` (what to say when it is the second request of a message, see ``handlers.clarify``, or
``None``), ``PUBLIC`` (answerable before binding) and ``KEYWORDS`` beside
``handle(msg, ctx) -> Reply``.
"""
from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from handlers import (
    activity_report,
    bind,
    clarify,
    crisis,
    dues,
    help_request,
    liaison,
    liaison_answer,
    menu,
    org_life,
    points,
    station,
    study,
    thought_report,
    transfer_relation,
    unknown,
    update_info,
)
from handlers.context import Context, Incoming
from handlers.dialogs import DIALOG_OWNERS, active_dialog, end_dialog
from handlers.nlu.router import Router
from handlers.replies import NoReply, Reply
from models.caseload import caseload_of
from models.tickets import members_ticket

# Menu order: what members use most first.
INTENT_MODULES: dict[str, ModuleType] = {
    m.INTENT: m
    for m in (
        study, help_request, update_info, liaison, station, dues, points, org_life,
        thought_report, activity_report, transfer_relation, bind, menu, unknown,
    )
}


def usage_lines() -> list[str]:
    """The menu text, generated from each handler's ``USAGE`` so it is never written twice."""
    return [m.USAGE for m in INTENT_MODULES.values() if m.USAGE]


def dispatch(msg: Incoming, ctx: Context, router: Router) -> Reply:
    """Answer one inbound message in the order stated in this module's docstring.

    Returns exactly one Reply; never raises for member input (a handler's bug is caught once,
    in the webhook, which answers with a fixed apology)."""
    if msg.msg_type == "event":
        return _on_event(msg, ctx)
    if msg.msg_type == "location":
        return _for_member(update_info, msg, ctx, update_info.on_location)
    if not (msg.text or "").strip():
        return unknown.on_non_text(msg, ctx)
    # Routed before a dialog continues too, so a dialog can tell an answer from a new request.
    ctx.route = router.route(msg.text)
    if crisis.speaks_of_it(ctx.route.normalised):
        end_dialog(ctx.session, msg.openid)
        ctx.route = replace(ctx.route, intent=help_request.INTENT, clarify=False, guessed=False,
                            offer=None)
        return answer(msg, ctx)
    number = liaison_answer.number_in(msg.text) if ctx.member is not None else None
    if number and caseload_of(ctx.session, ctx.member) is not None:
        return liaison_answer.handle(msg, ctx)
    if number:
        own = members_ticket(ctx.session, ctx.member, number)
        return help_request.where_it_stands(own, number, ctx)
    dialog = active_dialog(ctx.session, msg.openid, ctx.clock.now(), ctx.dialog)
    if dialog is not None:
        reply = DIALOG_OWNERS[dialog.dialog].continue_dialog(msg, ctx, dialog)
        if reply is not None:
            return reply
        end_dialog(ctx.session, msg.openid)
    if ctx.route.clarify:
        return clarify.start(msg, ctx)
    return clarify.with_offer(answer(msg, ctx), ctx)


def answer(msg: Incoming, ctx: Context) -> Reply:
    """The handler of ``ctx.route.intent`` answers (unbound followers asking a non-public
    thing are told how to bind)."""
    module = INTENT_MODULES[ctx.route.intent]
    return _for_member(module, msg, ctx, module.handle)


def _for_member(module: ModuleType, msg: Incoming, ctx: Context, handle) -> Reply:
    if ctx.member is None and not module.PUBLIC:
        return bind.ask_to_bind(msg, ctx)
    return handle(msg, ctx)


def _on_event(msg: Incoming, ctx: Context) -> Reply:
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
        module = INTENT_MODULES[intent]
        return _for_member(module, msg, ctx, module.handle)
    # Report events (VIEW, TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH …) and any event type
    # WeChat adds later: "success", nothing shown.
    return NoReply()
