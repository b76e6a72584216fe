"""What is registered: the intents, the dialogs and the role commands, each listed once.

The order in which they answer a message is the engine's (``handlers.engine``). Nothing here
registers itself at import: adding a capability, a dialog or a command is one line below.

Every intent module declares ``INTENT``, ``USAGE`` (one line for the menu, or ``None``),
``OFFER`` (what to say when it is the second request of a message, or ``None``), ``PUBLIC``
(answerable before binding) and ``KEYWORDS`` beside ``handle(msg, ctx) -> Reply``.
"""
from __future__ import annotations

from types import ModuleType

from handlers import (
    activity_report,
    bind,
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
from handlers.commands import Command
from handlers.dialog_machine import Dialog
from handlers.dialogs import clarify, phone_change
from handlers.dialogs import help_request as help_dialogs
from handlers.dialogs import update_info as where_dialog

# Menu order: what members use most first.
INTENT_MODULES: dict[str, ModuleType] = {
    m.INTENT: m
    for m in (
        study, help_request, update_info, liaison, station, dues, points, org_life,
        thought_report, activity_report, transfer_relation, bind, menu, unknown,
    )
}

DIALOGS: dict[str, Dialog] = {
    d.name: d
    for d in (
        clarify.DIALOG, phone_change.DIALOG, where_dialog.DIALOG,
        help_dialogs.DESCRIBE, help_dialogs.CONFIRM,
    )
}

# Tried in this order: the first whose syntax matches and whose roles the sender has answers.
COMMANDS: tuple[Command, ...] = (
    liaison_answer.ANSWER,
    liaison_answer.STATUS,
)


def usage_lines() -> list[str]:
    """The menu text, generated from each handler's ``USAGE`` so it is never written twice."""
    return [m.USAGE for m in INTENT_MODULES.values() if m.USAGE]
