"""What a running kiteline process holds: settings, database, clock, router, crypto.

Built once by :func:`bot.app.create_app` (or the CLI) and kept in ``app.extensions["kiteline"]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from wechatpy.crypto import WeChatCrypto

from bot.config import ConfigError, NluSettings, Settings
from bot.inflight import InFlight
from handlers.nlu.router import Router
from handlers.registry import build_router
from models.clock import Clock, SystemClock
from models.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session: sessionmaker[Session]
    router: Router
    crypto: WeChatCrypto | None
    clock: Clock = field(default_factory=SystemClock)
    # Deliveries this process is answering, for WeChat's retries to wait on (bot.inflight).
    inflight: InFlight = field(default_factory=InFlight)


@lru_cache(maxsize=4)
def _router(nlu_settings_json: str) -> Router:
    # Building the router loads jieba's dictionaries (~0.1 s); one per distinct nlu section.
    return build_router(NluSettings.model_validate_json(nlu_settings_json))


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """Create the engine, session factory, router and (when a key is set) the AES crypto.
    Raises :class:`ConfigError` when the ``nlu`` section cannot make a router (an unknown intent
    in ``extra_keywords`` or an examples file)."""
    try:
        router = _router(settings.nlu.model_dump_json())
    except (ValueError, OSError) as exc:
        raise ConfigError(str(exc)) from None
    engine = make_engine(settings.database.url, settings.database.echo)
    wx = settings.wechat
    crypto = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id) if wx.encoding_aes_key else None
    return Runtime(
        settings=settings,
        engine=engine,
        session=make_sessionmaker(engine),
        router=router,
        crypto=crypto,
        clock=clock or SystemClock(),
    )
