"""Multi-turn dialogs as declared state machines, like python-telegram-bot's ConversationHandler.

A :class:`Dialog` declares its states (an :class:`enum.Enum`), and for each state an :class:`Ask`:
the question it waits on, the step that reads an answer, and the states that step may go to. A
step returns what happens next:

* :class:`Stay` — the same question is still open (a reply, e.g. “that is no mobile number”);
* :class:`GoTo` — a new question (another state, or the same one asked anew), its clock restarted;
* :class:`Done` — the dialog is over, with its last reply;
* :class:`HandOff` — the dialog is over and the message is answered by a capability: as the
  routed message it is (a new request), or as the intent and text the dialog chose;
* :data:`UNCLEAR` — the message answers nothing this state asks.

What every dialog shares is applied by the engine (``handlers.engine``), once, before or after the
step, never by the dialog itself: cancel words (:data:`CANCEL`: 取消, 算了, 不弄了 …) end it with
its ``cancelled`` reply and nothing saved; help words (:data:`HELP`: 帮助 …) ask the current
question again; an :data:`UNCLEAR` message is a new request when the router found a clear other
intent (:func:`clear_other_request`, the one rule for it), and the question is asked again
otherwise; a dialog past its ``timeout`` is dropped on the member's next message, nothing
half-done kept.

A dialog left that way is never left in silence: a dialog may declare ``dropped``, the line put
before the answer to the new request (刚才的信息更新没有保存…), and ``expired``, the reply to an
answer that comes after the timeout (刚才的更新超时了…) instead of 没看懂 (:func:`left_for`,
:func:`late_answer`).

The state between turns is one ``dialog_states`` row per openid (``models.dialog``), checked
lazily on the next message: no timers, nothing lost on a restart.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy.orm import Session

from handlers.context import UNREAD, Context, Incoming, Route, Unread
from handlers.menu import courtesy_reply
from handlers.replies import Reply, TextReply
from handlers.unknown import NAME as FALLBACK
from models.dialog import DialogState

DEFAULT_TIMEOUT = dt.timedelta(minutes=30)
# How long after its timeout an answer to a lapsed dialog is still told it lapsed (刚才…超时了);
# later the row is dropped in silence, as a new day's message is no late answer.
LATE_ANSWER = dt.timedelta(hours=12)
# Giving up, in any words and any combination (算了不用了, 取消吧, 那不弄了, 没事了): letters and
# digits only, so 算了，不用了。 is 算了不用了.
CANCEL = re.compile(r"(?:那|我|先|还是)*(?:(?:取消|算了|不弄了|不办了|不改了|不用|不需要|不要|没事儿?|不求助"
                    r"|不麻烦|不问了)(?:了|吧|啦|呀|哈|哦|你们?)*)+")
# Asking what to say: the current question is asked again, the dialog goes on.
HELP = re.compile(r"(?:帮助|help|怎么回答?|怎么回复|怎么答|什么意思|啥意思|看不懂|不明白)(?:啊|呀|呢|吗)*",
                  re.IGNORECASE)
# Longest name and state the ``dialog_states`` columns hold.
NAME_MAX = 32


def clear_other_request(text: str | None, route: Route) -> bool:
    """Whether ``text``, routed as ``route``, is a clear other request: the router found an intent
    (not the fallback), and the message does more than thank or acknowledge. The one rule for
    it: a dialog's unclear answer (``handlers.engine``) and a member's words to a liaison who
    answered their ticket (``handlers.help_request.follow_up``) are both let go by it."""
    return route.intent != FALLBACK and courtesy_reply(text) is None


@dataclass(frozen=True)
class Stay:
    """The question stays open; ``reply`` is sent."""

    reply: Reply


@dataclass(frozen=True)
class GoTo:
    """Ask the question of ``state`` (a state the current one declares in ``goes_to``); ``data``
    replaces what the dialog keeps when given. The timeout starts again."""

    state: Enum
    reply: Reply
    data: dict | None = None


@dataclass(frozen=True)
class Done:
    """The dialog is over; ``reply`` is its last word."""

    reply: Reply


@dataclass(frozen=True)
class HandOff:
    """The dialog is over and a capability answers the message. Without ``route`` the message is
    a new request, answered as if no dialog were in progress; with ``route`` that intent answers
    it directly, with ``text`` in place of the member's words when given (the words kept from
    an earlier turn)."""

    route: Route | None = None
    text: str | None = None


@dataclass(frozen=True)
class Unclear:
    """The message answers nothing the current state asks (see the module docstring)."""


UNCLEAR = Unclear()
Result = Stay | GoTo | Done | HandOff | Unclear
# A step: (the message, its context with the message routed, what the dialog keeps) -> Result.
Step = Callable[[Incoming, Context, dict], Result]
# A question or a reply depending on the member and what the dialog keeps: (ctx, data) -> text.
Text = Callable[[Context, dict], str]


@dataclass(frozen=True)
class Ask:
    """One state of a dialog: ``question`` (asked again on 帮助 and after an unclear answer,
    then after ``not_understood``), ``step`` (reads the member's answer) and ``goes_to`` (the
    states ``step`` may :class:`GoTo`, each with what leads there). ``about`` says in a few
    words what the state waits for. Both are drawn in the diagram. ``location``: the step that
    reads a location the member sends (WeChat's ＋ → 位置) while this state waits, for a question
    a location answers; without it a location is what it always is, the dialog left waiting."""

    about: str
    question: Text
    step: Step
    goes_to: Mapping[Enum, str] = field(default_factory=dict)
    not_understood: str = ""
    location: Step | None = None


@dataclass(frozen=True)
class Dialog:
    """A dialog: ``name`` (stored per openid), ``asks`` (one :class:`Ask` per member of the
    states enum), ``starts_in`` (the states a capability may start it in), ``cancelled`` (the
    one reply to a cancel word in any state) and ``timeout``. Optional: ``dropped`` (the line
    before the answer to a new request that ended the dialog, ``""`` when there is nothing to
    say, e.g. nothing collected yet) and ``expired`` (the reply to an answer sent after the
    timeout); without them a dialog ends as quietly as before.

    Raises ``ValueError`` when built with a state left without an :class:`Ask`, a ``goes_to``
    or ``starts_in`` state of another enum, or a name or state too long to store."""

    name: str
    asks: Mapping[Enum, Ask]
    starts_in: tuple[Enum, ...]
    cancelled: Text
    timeout: dt.timedelta = DEFAULT_TIMEOUT
    dropped: Text | None = None
    expired: Text | None = None
    states: type[Enum] = field(init=False)

    def __post_init__(self) -> None:
        if not self.asks or not self.starts_in:
            raise ValueError(f"dialog {self.name!r}: no states, or no state to start in")
        states = type(next(iter(self.asks)))
        object.__setattr__(self, "states", states)
        missing = [s.value for s in states if s not in self.asks]
        targets = [t for ask in self.asks.values() for t in ask.goes_to] + list(self.starts_in)
        stray = [str(t) for t in targets if not isinstance(t, states)]
        if missing or stray:
            raise ValueError(f"dialog {self.name!r}: states without an Ask {missing}, "
                             f"states of another dialog {stray}")
        too_long = [n for n in (self.name, *(str(s.value) for s in states)) if len(n) > NAME_MAX]
        if too_long:
            raise ValueError(f"dialog {self.name!r}: longer than {NAME_MAX} characters: {too_long}")

    def state_named(self, value: str) -> Enum | None:
        """The state stored as ``value``, or ``None`` (a state this dialog no longer has)."""
        return next((s for s in self.states if s.value == value), None)

    def start(self, ctx: Context, openid: str, state: Enum, data: dict) -> str:
        """Begin (or restart) this dialog at ``state`` (one of ``starts_in``) for ``openid`` and
        return the state's question."""
        if state not in self.starts_in:
            raise ValueError(f"dialog {self.name!r} does not start in {state}")
        keep(ctx.session, openid, self, state, data, ctx.clock.now())
        return self.asks[state].question(ctx, data)

    def reachable(self) -> set[Enum]:
        """The states a conversation can reach from ``starts_in`` through ``goes_to``."""
        seen, todo = set(), list(self.starts_in)
        while todo:
            state = todo.pop()
            if state not in seen:
                seen.add(state)
                todo.extend(self.asks[state].goes_to)
        return seen

    def mermaid(self) -> str:
        """The dialog as a Mermaid ``stateDiagram-v2``, from the declaration: the states it
        starts in, where each state may go, and the ways out every state shares."""
        lines = ["stateDiagram-v2"]
        for state in self.starts_in:
            lines.append(f"    [*] --> {state.value}")
        for state, ask in self.asks.items():
            lines.append(f"    {state.value}: {state.value} — {ask.about}")
            lines.append(f"    {state.value} --> {state.value}: 帮助 / 没答上 — 再问一遍")
            lines.extend(f"    {state.value} --> {to.value}: {why}" for to, why in ask.goes_to.items())
            lines.append(f"    {state.value} --> [*]: 答完 / 另有请求 / 取消 / 超时")
        return "\n".join(lines)


def words(text: str | None) -> str:
    """Letters, digits and CJK only (full-width folded): punctuation, emoji and spaces say
    nothing about an answer."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                   if unicodedata.category(ch)[0] in "LN")


def cancels(text: str | None) -> bool:
    """True when ``text`` only gives up (:data:`CANCEL`)."""
    said = words(text)
    return bool(said) and CANCEL.fullmatch(said) is not None


def asks_for_help(text: str | None) -> bool:
    """True when ``text`` only asks what to answer (:data:`HELP`)."""
    said = words(text)
    return bool(said) and HELP.fullmatch(said) is not None


def keep(session: Session, openid: str, dialog: Dialog, state: Enum, data: dict,
         now: dt.datetime) -> DialogState:
    """Store ``dialog`` at ``state`` for ``openid`` with ``data``, expiring after its timeout."""
    row = session.get(DialogState, openid) or DialogState(openid=openid)
    row.dialog, row.state, row.data = dialog.name, state.value, data
    row.expires_at = now + dialog.timeout
    session.add(row)
    return row


def in_progress(session: Session, openid: str, now: dt.datetime,
                read_ahead: DialogState | None | Unread = UNREAD) -> DialogState | None:
    """The openid's dialog row, or ``None``; an expired one is deleted on the way, nothing of it
    kept. ``read_ahead``: the row as the webhook already read it (``Context.dialog``)."""
    row = session.get(DialogState, openid) if read_ahead is UNREAD else read_ahead
    if row is not None and row.expires_at <= now:
        session.delete(row)
        return None
    return row


def left_for(dialog: Dialog, ctx: Context, data: dict, reply: Reply) -> Reply:
    """``reply`` (the answer to the request that ended ``dialog``, which kept ``data``) after the
    dialog's ``dropped`` line, when it has one to say."""
    line = dialog.dropped(ctx, data) if dialog.dropped else ""
    return TextReply(f"{line}\n{reply.text}") if line and isinstance(reply, TextReply) else reply


def late_answer(ctx: Context, dialogs: Mapping[str, Dialog]) -> Reply | None:
    """The reply to a message that answers no request, sent after the dialog the webhook read
    with it (``ctx.dialog``) had lapsed: that dialog's ``expired`` sentence, within
    :data:`LATE_ANSWER` of the timeout; ``None`` otherwise. Reads no row of its own: a dialog
    not read ahead is no late answer."""
    row = ctx.dialog
    if not isinstance(row, DialogState) or not row.expires_at <= ctx.clock.now() < row.expires_at + LATE_ANSWER:
        return None
    dialog = dialogs.get(row.dialog)
    return TextReply(dialog.expired(ctx, dict(row.data))) if dialog and dialog.expired else None


def end(session: Session, openid: str) -> None:
    """End the openid's dialog, if any."""
    row = session.get(DialogState, openid)
    if row is not None:
        session.delete(row)


def reask(ask: Ask, ctx: Context, data: dict, unclear: bool) -> Stay:
    """The state's question again (after ``not_understood`` when the answer was unclear)."""
    prefix = ask.not_understood if unclear else ""
    return Stay(TextReply(prefix + ask.question(ctx, data)))
