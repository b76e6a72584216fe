"""The embedded WeChat sandbox (DESIGN.md §3): a local stand-in for api.weixin.qq.com.

:func:`register` mounts it on the app when ``wechat.sandbox`` is true; :func:`sandbox_app` is
the sandbox alone, for commands that call the API in-process but answer no messages. It serves
the ``/cgi-bin/`` paths the bot calls and enforces what the platform enforces (token rotation
with a 5-minute overlap, ``stable_token``'s same token until it expires, the customer-service
window and its budgets, template field rules, unfollowed users). It talks to the bot only over
HTTP/WSGI, the way WeChat does: it learns of user interactions from the deliveries to the
webhook, watched on their way in (``bot.sandbox.deliveries``), and answers the bot's API calls.
``GET /sandbox/messages/<openid>`` shows what a user received; ``GET /sandbox/stats`` counts
what it accepted and refused, by API and error code; ``POST /sandbox/faults`` makes calls fail
or lag for tests — the next few, or a share of every call — even after doing their work
(``account.add_fault``). Mass sends (``bot.sandbox.mass``) report back to the webhook as WeChat
does, with the ``MASSSENDJOBFINISH`` event (``bot.sandbox.pushes``: :func:`push_finished`,
the :class:`Pusher` thread of ``kiteline serve``, ``POST /sandbox/mass/finish``).
"""
from __future__ import annotations

from flask import Flask

from bot.sandbox import state
from bot.sandbox.api import bp
from bot.sandbox.deliveries import WatchDeliveries
from bot.sandbox.platform import EXTENSION, Platform
from bot.sandbox.pushes import Pusher, push_finished

__all__ = ["Platform", "Pusher", "push_finished", "register", "sandbox_app"]


def register(app: Flask, platform: Platform) -> None:
    """Create the sandbox's tables, mount its routes and watch the webhook's deliveries."""
    state.create_tables(platform.engine)
    app.extensions[EXTENSION] = platform
    app.register_blueprint(bp)
    app.wsgi_app = WatchDeliveries(app.wsgi_app, platform)  # type: ignore[method-assign]


def sandbox_app(platform: Platform) -> Flask:
    """A Flask app serving the sandbox alone (no webhook: nothing to watch)."""
    app = Flask("kiteline-sandbox")
    app.json.ensure_ascii = False  # JSON for people reading Chinese (the message lists)
    state.create_tables(platform.engine)
    app.extensions[EXTENSION] = platform
    app.register_blueprint(bp)
    return app
