"""A member's answer to a verification ask (定期核查, ``models.verification``) — an engine stage.

While a member has an open ask that reached them (read ahead with the sender, so an ordinary
message costs no extra statement), their message is read as its answer first:

* nothing changed — 没变, 确认, 对, 是的, 👍, 都没变 谢谢 … said alone (``vocabulary.CONFIRM``), or
  the place on file said again (还在苏州): the ask ends ``confirmed`` and the member is thanked
  with what is on file;
* a correction — a new city (换了 现在在无锡), coming home for good (回老家了 不出去了), a new phone
  of their own (手机换了 13800005678): stored through the same domain operations as chat updates
  (``models.whereabouts``, ``models.member_updates``) with source ``verification``, and the ask
  ends ``corrected``; a phone is read back first (``handlers.dialogs.phone_change``) and ends the
  ask when the member confirms it;
* 变了 / 换了 with nothing more: asked what changed, the ask stays open;
* anything else: not an answer (``None``), so the message is answered as itself by the stages
  after this one, and the ask stays open.

A dialog in progress answers before this stage (a read-back's 对 is the read-back's).
"""
from __future__ import annotations

from handlers import update_info
from handlers.context import UNREAD, Context, Incoming
from handlers.dialog_machine import words
from handlers.dialogs.phone_change import CORRECTION, read_back
from handlers.replies import Reply, TextReply
from handlers.verification.vocabulary import CHANGED, CONFIRM
from models.ledger import MOBILE
from models.member import Member
from models.verification.asks import SOURCE, VerificationAsk, answer, open_ask
from models.verification.rounds import HOW_TO_ANSWER, THANKS, on_file, place
from models.whereabouts import Moved, came_home, move_to


def answers_ask(msg: Incoming, ctx: Context) -> Reply | None:
    """The reply to ``msg`` as the answer to the member's open, delivered ask, or ``None`` when
    there is no such ask or ``msg`` answers nothing it asks (see the module docstring)."""
    ask = _delivered_ask(ctx)
    if ask is None:
        return None
    said = words(msg.text) or (msg.text or "").replace(" ", "")  # 👍 alone is an answer too
    normalised = words(ctx.route.normalised) if ctx.route else ""
    if CONFIRM.fullmatch(said) or (normalised and CONFIRM.fullmatch(normalised)):
        return _confirmed(ask, ctx)
    if ctx.route is None or (ctx.route.intent != update_info.NAME and not CHANGED.fullmatch(said)):
        return None
    return _correction(ask, msg, ctx, said)


def _delivered_ask(ctx: Context) -> VerificationAsk | None:
    if ctx.card is None:  # the card, not the ORM member: every message passes here
        return None
    ask = open_ask(ctx.session, ctx.card.id) if ctx.verification is UNREAD else ctx.verification
    # An ask still waiting for the member's next message is not theirs to answer yet: their 没变
    # would confirm what they have not seen.
    return ask if ask is not None and ask.delivered_at is not None else None


def _confirmed(ask: VerificationAsk, ctx: Context, again: bool = False) -> Reply:
    """The ask ends confirmed; ``again``: the member said the place on file (还在苏州)."""
    answer(ask, "confirmed", ctx.clock.now())
    if again:
        return TextReply(f"好的，流动去向还是{place(ctx.member)}，谢谢您的确认！登记的信息已核实：\n"
                         f"{on_file(ctx.member)}")
    # The card (as read with the sender) has what is on file: no load of the member to say it.
    return TextReply(f"谢谢您的确认！登记的信息已核实：\n{on_file(ctx.card)}\n以后有变化，随时告诉我就行。")


def _correction(ask: VerificationAsk, msg: Incoming, ctx: Context, said: str) -> Reply | None:
    """A change told in answer to the ask: stored (source ``verification``), the ask ended, the
    member told what is on file now; a phone read back first. ``None`` for a change this stage
    does not store (a new employer): the update capability answers it, with the ask open."""
    member, now, slots = ctx.member, ctx.clock.now(), ctx.route.slots
    text = ctx.route.normalised or msg.text or ""
    moved: Moved | None = move_to(ctx.session, member, slots.get("city"), slots.get("province"),
                                  now=now, source=SOURCE, changed_by=msg.openid)
    if moved is None and update_info.RETURNED.search(text) and not update_info.VISIT.search(text):
        moved = came_home(ctx.session, member, now=now, source=SOURCE, changed_by=msg.openid)
    phone = (slots.get("phone") or "").strip()
    new_phone = phone if MOBILE.fullmatch(phone) and phone != member.phone else None
    changed = moved is not None and bool(moved.changes)
    if not changed and new_phone is None:
        if moved is not None or (phone and phone == member.phone):  # what is on file, said again
            return _confirmed(ask, ctx, again=moved is not None and member.status != "returned")
        if CHANGED.fullmatch(said):
            return TextReply(f"好的，请把变了的告诉我。{HOW_TO_ANSWER}现在登记的是：\n{on_file(member)}")
        return None
    done = ""
    if changed:
        answer(ask, "corrected", now)
        done = f"已为您更新：\n{_changed(member)}\n"
    if new_phone is None:
        return TextReply(f"{done}{THANKS}{CORRECTION}")
    return TextReply(done + read_back(msg, ctx, new_phone, source=SOURCE))


def _changed(member: Member) -> str:
    if member.status == "returned":
        return f"状态：已返乡\n{update_info.WELCOME_HOME}"
    return f"流动去向：{place(member)}"
