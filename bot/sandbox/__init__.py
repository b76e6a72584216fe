"""The embedded WeChat sandbox (DESIGN.md §3): a local stand-in for api.weixin.qq.com.

:func:`register` mounts it on the app when ``wechat.sandbox`` is true. It serves the
``/cgi-bin/`` paths the bot calls and enforces what the platform enforces (token rotation with a
5-minute overlap, ``stable_token``'s same token until it expires, the customer-service window and
its budgets, template field rules, unfollowed users), learning of user interactions the way
WeChat does: from every inbound message, through the webhook's
:data:`bot.signals.inbound_recorded` signal. ``GET /sandbox/messages/<openid>`` shows what a user
received; ``GET /sandbox/stats`` counts what it accepted and refused, by API and error code;
``POST /sandbox/faults`` makes calls fail or lag for tests — the next few, or a share of every
call — even after doing their work (``account.add_fault``).
"""
from __future__ import annotations

from flask import Flask

from bot.sandbox import state
from bot.sandbox.api import bp
from bot.signals import inbound_recorded
from handlers.context import Incoming


def register(app: Flask) -> None:
    """Create the sandbox's tables, mount its routes and start observing inbound messages."""
    rt = app.extensions["kiteline"]
    state.create_tables(rt.engine)
    app.register_blueprint(bp)

    def observe(_sender, incoming: Incoming) -> None:
        with rt.engine.begin() as conn:
            state.observe(conn, incoming, rt.clock.now())

    inbound_recorded.connect(observe, sender=rt)
    # blinker holds receivers weakly: the app keeps this one alive exactly as long as itself.
    app.extensions["kiteline.sandbox_observer"] = observe
