"""What the sandbox runs on, handed to it by whoever mounts it: nothing of the bot's own."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine

from models.clock import Clock
from models.settings import Settings

# Where :func:`bot.sandbox.register` keeps the :class:`Platform`, in ``app.extensions``.
EXTENSION = "kiteline.sandbox"


@dataclass(frozen=True)
class Platform:
    """The database the sandbox keeps its own tables in (``bot.sandbox.state``), the clock it
    tells time by (tests move it), and the settings of the account it stands in for: AppID,
    AppSecret and token (``wechat``), the address its QR codes point at (``server``)."""

    engine: Engine
    clock: Clock
    settings: Settings


def current() -> Platform:
    """The platform of the app serving this request."""
    return current_app.extensions[EXTENSION]
