"""What is registered: the intents, the dialogs and the role commands, each listed once.

The order in which they answer a message is the engine's (``handlers.engine``). Nothing here
registers itself at import: adding a capability, a dialog or a command is one line below.

Every capability package declares one ``handlers.capability.Intent`` (``INTENT``: usage line,
offer, public-before-binding, vocabulary, routing policy, ``handle(msg, ctx) -> Reply``).
"""
from __future__ import annotations

from collections.abc import Collection

from handlers import (
    activity_report,
    activity_review,
    bind,
    dues,
    dues_confirm,
    help_request,
    liaison,
    liaison_answer,
    liaison_contact,
    member_file,
    menu,
    my_info,
    org_life,
    points,
    station,
    study,
    thought_report,
    ticket_desk,
    transfer_done,
    transfer_relation,
    unknown,
    update_info,
)
from handlers.capability import Intent, check_offers
from handlers.commands import Command
from handlers.dialog_machine import Dialog
from handlers.dialogs import clarify, guided_update, phone_change, transfer_request
from handlers.dialogs import help_request as help_dialogs
from handlers.dialogs import update_info as where_dialog
from handlers.dues import dialog as dues_dialog
from handlers.nlu.router import Router
from handlers.org_life import checkin as org_life_checkin
from handlers.station import where as station_where
from handlers.study import past as study_past
from handlers.thought_report import draft as thought_report_draft
from handlers.thought_report import headed as thought_report_headed
from handlers.thought_report import reading as thought_report_reading

# Menu order: what members use most first.
INTENTS: tuple[Intent, ...] = tuple(package.INTENT for package in (
    study, help_request, update_info, my_info, member_file, liaison, station, dues, points, org_life,
    thought_report, activity_report, transfer_relation, bind, menu, unknown,
))
BY_NAME: dict[str, Intent] = {intent.name: intent for intent in INTENTS}

DIALOGS: dict[str, Dialog] = {
    d.name: d
    for d in (
        clarify.DIALOG, phone_change.DIALOG, where_dialog.DIALOG, guided_update.DIALOG,
        help_dialogs.DESCRIBE, help_dialogs.CONFIRM, transfer_request.DIALOG, study_past.DIALOG,
        ticket_desk.WHICH, station_where.DIALOG, thought_report_draft.DIALOG, dues_dialog.DIALOG,
    )
}

# Tried in this order: the first whose syntax matches and whose roles the sender has answers.
# A claim's review comes before the tickets': "审核 20261206001 通过" (its H left off) holds what
# a ticket number without its Q looks like.
COMMANDS: tuple[Command, ...] = (
    activity_review.REVIEW_CLAIM,
    activity_review.CLAIM_STATUS,
    # Before the tickets': "阅 20261129001" (a report's number with its S left off) holds what a
    # ticket number looks like.
    *thought_report_reading.COMMANDS,
    *ticket_desk.COMMANDS,
    liaison_answer.ANSWER,
    liaison_answer.STATUS,
    liaison_contact.CONTACT,
    transfer_done.DONE,
    transfer_done.REFUSED,
    dues_confirm.CONFIRM,
    dues_confirm.REFUSED,
    org_life_checkin.CHECK_IN,
    org_life.LEAVE,
    thought_report_headed.HEADED,
)


def usage_lines() -> list[str]:
    """The menu text, generated from each intent's usage line so it is never written twice."""
    return [intent.usage for intent in INTENTS if intent.usage]


def build_router(nlu_settings, unseen: Collection[str] = ()) -> Router:
    """The router for ``INTENTS`` (see ``handlers.nlu.router.Router``: ``unseen`` texts are left
    out of its examples), each offer word checked to route to its own intent. Raises
    ``ValueError`` naming the module or setting at fault."""
    router = Router(INTENTS, nlu_settings, unseen)
    check_offers(INTENTS, router.route)
    return router
