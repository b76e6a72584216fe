"""The two things every handler receives: the inbound message and its context."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from handlers.nlu.route import Route
from models.clock import Clock
from models.contacts import Contacts, contacts_for
from models.dialog import DialogState
from models.follower import Follower
from models.inbound_sender import FollowerWindow, MemberCard, Sender, load_member
from models.member import Member
from models.reply_pages import ReplyPages
from models.roles import Role, roles_of
from models.settings import Settings
from models.verification.asks import VerificationAsk


@dataclass
class Incoming:
    """One message or event from a follower, already decrypted and parsed.

    ``text`` is the typed content, or the speech-recognition text of a voice message (``None``
    when WeChat gave none). ``event`` is lower-case (``subscribe``, ``scan``, ``click`` ...).
    """

    openid: str
    msg_type: str
    created_at: dt.datetime
    text: str | None = None
    event: str | None = None
    event_key: str | None = None
    # location message / LOCATION event: (latitude, longitude, label or None)
    location: tuple[float, float, str | None] | None = None
    raw: Any = None


class Unread(Enum):
    """A :class:`Context` field nobody read ahead: ask the session."""

    UNREAD = "unread"


UNREAD = Unread.UNREAD


@dataclass
class Context:
    """Everything a handler may use. Handlers never read files, the environment or the clock
    directly; they work through ``session`` (the domain) and return a Reply.

    Replies read the sender through ``card`` (who they are), ``contacts`` (their liaison and
    branch) and ``roles``; ``member`` is the ORM object, for a handler that changes the member.
    The webhook reads all of that in one statement (``sender``, :mod:`models.inbound_sender`)
    and the ORM member is then loaded only when a handler asks for it (``member=UNREAD``)."""

    session: Session
    settings: Settings
    clock: Clock
    follower: Follower | FollowerWindow
    # A property (below): given as UNREAD, loaded from ``sender`` on first use.
    member: Member | None | Unread
    route: Route | None = None
    # Every registered role command, ``handlers.commands.Command`` (the engine sets it; typed
    # loosely so the context needs no import of the commands, which import it): a liaison's
    # 帮助 lists theirs.
    commands: tuple[Any, ...] = ()
    # Every registered intent, ``handlers.capability.Intent``, in menu order (the engine sets it,
    # so the menu and the fallback list what the bot can do without importing the registry,
    # which imports them).
    intents: tuple[Any, ...] = ()
    # Read with the member in the same statement by the webhook (models.inbound_sender): the dialog in
    # progress and the waiting pages of a long answer, ``None`` when there is none. UNREAD where
    # nobody read them ahead (tests, other callers): readers then ask the session.
    dialog: DialogState | None | Unread = UNREAD
    pages: ReplyPages | None | Unread = UNREAD
    # The member's open verification ask (``models.verification``), read ahead the same way.
    verification: VerificationAsk | None | Unread = UNREAD
    # What the webhook read of the sender; ``None`` where nobody read ahead: ``card``,
    # ``contacts`` and ``roles`` then come from ``member``.
    sender: Sender | None = None
    _roles: frozenset[Role] | None = field(default=None, repr=False)

    @property
    def card(self) -> MemberCard | None:
        """The sender's member card (id, name, phone, destination, employer, branch), ``None``
        when not bound."""
        if self.sender is not None:
            return self.sender.member
        return MemberCard.of(self.member) if self.member is not None else None

    @property
    def contacts(self) -> Contacts:
        """The sender's liaison and branch (``models.contacts.contacts_for``)."""
        if self.sender is not None and (self.sender.member is None or self.sender.contacts is not None):
            return self.sender.contacts or contacts_for(self.session, None)
        return contacts_for(self.session, self.member)

    @property
    def roles(self) -> frozenset[Role]:
        """The sender's roles (``models.roles``), resolved on first use and kept for the rest
        of the message: an ordinary message that no role command or role-aware reply looks at
        costs no query."""
        if self._roles is None:
            self._roles = self.sender.roles if self.sender is not None else roles_of(self.session, self.member)
        return self._roles


def _member(ctx: Context) -> Member | None:
    if ctx._member is UNREAD:
        card = ctx.sender.member if ctx.sender is not None else None
        ctx._member = load_member(ctx.session, card.id) if card is not None else None
    return ctx._member


def _set_member(ctx: Context, member: Member | None | Unread) -> None:
    ctx._member = member


# ``member`` as a property over the dataclass field of that name: ``Context(member=...)`` sets
# it, and a handler reading it gets the ORM member, loaded then when it was given as UNREAD.
Context.member = property(_member, _set_member, doc="The sender's ORM member (``None`` when not bound).")
