"""Multi-turn dialogs: which module continues a dialog, and the state kept between turns.

A dialog is a row in ``dialog_states`` with ``expires_at``; an expired row is ignored (and
removed) on the member's next message, so no timer is needed and a restart loses nothing.
"""
from __future__ import annotations

import datetime as dt
from types import ModuleType

from sqlalchemy.orm import Session

from handlers.context import UNREAD, Unread
from models.dialog import DialogState

# dialog name -> module with ``continue_dialog(msg, ctx, state) -> Reply | None`` (``None``: the
# message is no answer but a new request — the dialog ends and the message is answered as if
# none were in progress, see handlers.registry); filled by ``register_dialog`` calls in the
# modules that own dialogs.
DIALOG_OWNERS: dict[str, ModuleType] = {}

DEFAULT_TIMEOUT = dt.timedelta(minutes=30)


def register_dialog(name: str, owner: ModuleType) -> None:
    DIALOG_OWNERS[name] = owner


def active_dialog(session: Session, openid: str, now: dt.datetime,
                  read_ahead: DialogState | None | Unread = UNREAD) -> DialogState | None:
    """The openid's dialog in progress, or ``None``; an expired one is deleted on the way.
    ``read_ahead``: the row as the webhook already read it (``Context.dialog``)."""
    state = session.get(DialogState, openid) if read_ahead is UNREAD else read_ahead
    if state is None:
        return None
    if state.expires_at <= now or state.dialog not in DIALOG_OWNERS:
        session.delete(state)
        return None
    return state


def start_dialog(session: Session, openid: str, dialog: str, state: str, data: dict,
                 now: dt.datetime, timeout: dt.timedelta = DEFAULT_TIMEOUT) -> DialogState:
    """Begin (or restart) ``dialog`` at ``state`` for this openid."""
    row = session.get(DialogState, openid) or DialogState(openid=openid)
    row.dialog, row.state, row.data, row.expires_at = dialog, state, data, now + timeout
    session.add(row)
    return row


def end_dialog(session: Session, openid: str) -> None:
    row = session.get(DialogState, openid)
    if row is not None:
        session.delete(row)
