"""What every running kiteline process holds: settings, database, clock, crypto.

Built once by :func:`bot.app.create_app` (or the CLI) and kept in ``app.extensions["kiteline"]``.
The intent router is not part of it: only the webhook routes messages, so only
:func:`bot.app.create_app` builds one (an ``import members`` or ``db upgrade`` never trains it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from wechatpy.crypto import WeChatCrypto

from bot.inflight import InFlight
from handlers.settings_check import check_settings
from models.clock import Clock, SystemClock
from models.db import make_engine, make_sessionmaker
from models.settings import Settings
from models.simulated_time import SimulatedClock
from models.token import Recent


@dataclass
class Runtime:
    """One process's settings, database engine and sessions, AES crypto (``None`` in plain
    mode), clock (tests move it; in sandbox mode the simulated clock every process shares) and
    the webhook's in-flight deliveries, and the access token as last read."""

    settings: Settings
    engine: Engine
    session: sessionmaker[Session]
    crypto: WeChatCrypto | None
    clock: Clock = field(default_factory=SystemClock)
    # Deliveries this process is answering, for WeChat's retries to wait on (bot.inflight).
    inflight: InFlight = field(default_factory=InFlight)
    # The access token as this process's API clients last read it from the store (one for
    # all of them: a dispatcher's workers would otherwise read the row each once a second).
    recent_token: Recent = field(default_factory=Recent)


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """Create the engine, session factory and (when a key is set) the AES crypto. The clock is
    ``clock`` (default: the system clock); in sandbox mode it is the simulated clock on top of
    it (:class:`models.simulated_time.SimulatedClock`), so ``POST /sandbox/clock`` moves it. Raises
    :class:`models.settings.ConfigError` when the configuration names an intent, an examples file
    or a menu key the handlers do not know (``handlers.settings_check``)."""
    check_settings(settings)
    engine = make_engine(settings.database.url, settings.database.echo)
    wx = settings.wechat
    crypto = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id) if wx.encoding_aes_key else None
    clock = clock or SystemClock()
    return Runtime(
        settings=settings,
        engine=engine,
        session=make_sessionmaker(engine),
        crypto=crypto,
        clock=SimulatedClock(clock, engine) if wx.sandbox else clock,
    )
