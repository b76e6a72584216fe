"""Role commands, like Errbot's ``@botcmd(admin_only=...)``: exact-syntax messages (a liaison's
"Q20261129001 已解决"), each declared with the roles that may use it and a usage line.

They are a stage of the engine (``handlers.engine``), after words of despair and before any
dialog, and never go through the fuzzy router: the text is folded (full-width to half-width,
runs of spaces to one, ends trimmed) and matched against each command's ``syntax`` in the order
registered (``handlers.registry.COMMANDS``); the first that matches *and* that the sender's roles
allow answers. A command whose syntax matches but whose roles the sender lacks is not one for
them: the message goes on to the next command and the next stages. A liaison's 帮助 lists the
commands of their roles beyond ``member`` (:func:`usage_for`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from handlers.context import Context, Incoming
from handlers.replies import Reply
from models.roles import Role

# A command's answer: (the message, its context, the syntax's named groups) -> Reply.
CommandHandler = Callable[[Incoming, Context, dict[str, str]], Reply]
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Command:
    """``name`` (for logs and tests), ``syntax`` (matched whole against the folded text; its
    named groups reach ``handle``), ``roles`` (who may use it), ``usage`` (one line for the
    help of those roles) and ``handle``.

    Raises ``ValueError`` when built without roles or usage line."""

    name: str
    syntax: re.Pattern[str]
    roles: frozenset[Role]
    usage: str
    handle: CommandHandler

    def __post_init__(self) -> None:
        if not self.roles or not self.usage.strip():
            raise ValueError(f"command {self.name!r}: needs the roles that may use it and a usage line")


def fold(text: str | None) -> str:
    """``text`` as commands read it: full-width letters and digits half-width (Ｑ２０２６ → Q2026),
    every run of spaces (an ideographic space too) one space, the ends trimmed."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def find(commands: Iterable[Command], text: str | None, roles: Callable[[], frozenset[Role]]
         ) -> tuple[Command, dict[str, str]] | None:
    """The first of ``commands`` whose syntax matches ``text`` and that ``roles()`` allows, with
    its named groups, or ``None``. ``roles`` is called only once a syntax matches, so a message
    that is no command costs no role look-up."""
    folded = fold(text)
    for command in commands:
        match = command.syntax.fullmatch(folded)
        if match is not None and command.roles & roles():
            return command, {k: v for k, v in match.groupdict().items() if v is not None}
    return None


def usage_for(commands: Iterable[Command], roles: frozenset[Role]) -> list[str]:
    """The usage lines of the commands ``roles`` open beyond what every member may use."""
    special = roles - {Role.MEMBER}
    return [c.usage for c in commands if c.roles & special]
