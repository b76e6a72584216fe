"""Red liaisons (红色联络员) and the 1+N contact scheme: each branch names liaisons, each away
member has one.

- ``assignment``: who looked after whom and when (``liaison_assignments``), kept on every change;
- ``handover``: a change's consequences — open tickets move, both liaisons and the member told;
- ``notices``: the texts of those notices;
- ``people`` / ``naming``: the people a file names, found on the roster (or added);
- ``sheet`` / ``sheet_import``: a liaison list (``kiteline import liaisons``);
- ``balance``: every away member given a liaison of their branch (``kiteline liaisons assign``);
- ``moves``: members moved by hand (``kiteline liaisons move``);
- ``listing``: liaisons per branch with their load (``kiteline liaisons list``).

The ledger's 联络员 column is read by ``models.ledger_liaisons``; the org file's 红色联络员
column by ``models.org_import``; both record through :func:`change_liaisons`.
"""
from models.liaisons.assignment import (
    SOURCES,
    Change,
    LiaisonAssignment,
    assignments_of,
    record_changes,
)
from models.liaisons.handover import Handover, change_liaisons, hand_over
from models.liaisons.notices import HANDOVER_PURPOSE, MEMBER_PURPOSE

__all__ = [
    "HANDOVER_PURPOSE", "MEMBER_PURPOSE", "SOURCES", "Change", "Handover", "LiaisonAssignment", "assignments_of",
    "change_liaisons", "hand_over", "record_changes",
]
