"""The two things every handler receives: the inbound message and its context."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from handlers.nlu.route import Route
from models.clock import Clock
from models.dialog import DialogState
from models.follower import Follower
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
    directly; they work through ``session`` (the domain) and return a Reply."""

    session: Session
    settings: Settings
    clock: Clock
    follower: Follower
    member: Member | None
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
    _roles: frozenset[Role] | None = field(default=None, repr=False)

    @property
    def roles(self) -> frozenset[Role]:
        """The sender's roles (``models.roles``), resolved on first use and kept for the rest
        of the message: an ordinary message that no role command or role-aware reply looks at
        costs no query."""
        if self._roles is None:
            self._roles = roles_of(self.session, self.member)
        return self._roles
