"""A multi-turn dialog in progress for one openid, kept in the database with an expiry.

Checked lazily on the member's next message (never timers), so a restart loses nothing.
"""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, json_dict, timestamp


class DialogState(Base):
    __tablename__ = "dialog_states"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    dialog: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[json_dict]
    expires_at: Mapped[timestamp]
