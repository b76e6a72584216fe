"""The Flask app factory: ``create_app(settings)`` wires the webhook, the lessons' reading links
(``/r/<token>``, ``bot.reading``) and, in sandbox mode, the sandbox and its simulated clock onto
one app, with the intent router the webhook routes by: the one place a process builds it. No
import-time side effects; ``bot.wsgi`` builds the app for gunicorn."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from bot.answering import ROUTER
from bot.reading import make_blueprint as reading_blueprint
from bot.runtime import Runtime, build_runtime
from bot.webhook import make_blueprint
from handlers.nlu.router import Router
from handlers.registry import build_router
from models.clock import Clock
from models.settings import ConfigError, NluSettings, Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings, clock: Clock | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the app. ``clock`` lets tests move time; ``runtime`` lets the CLI share one engine
    between the app and the in-process scheduler."""
    app = Flask("kiteline")
    app.json.ensure_ascii = False  # JSON for people reading Chinese (the sandbox's message lists)
    rt = runtime or build_runtime(settings, clock)
    app.extensions["kiteline"] = rt
    app.extensions[ROUTER] = router_for(settings.nlu)
    app.register_blueprint(make_blueprint(settings.wechat.webhook_path))
    app.register_blueprint(reading_blueprint())  # /r/<token>: lessons' reading links
    if settings.wechat.sandbox:
        # Imported here so a production worker never loads the stand-in for WeChat nor what
        # the simulated clock runs (the scheduler service, alembic): ≈ 13 MB a worker.
        from bot.sandbox import Platform
        from bot.sandbox import register as register_sandbox
        from bot.simulated_time import register as register_clock

        register_sandbox(app, Platform(rt.engine, rt.clock, rt.settings))
        register_clock(app, rt)  # outermost: one read of the simulated clock per request

    @app.errorhandler(Exception)
    def _plain_errors(err: Exception) -> Response:
        # WeChat and scripts read these; an HTML error page helps no one, and WeChat would
        # retry a 500 three times. The webhook handles its own errors; this is the last net.
        if isinstance(err, HTTPException):
            return Response(err.name, status=err.code or 500, mimetype="text/plain")
        log.exception("unhandled error on %s %s", request.method, request.path)
        return Response("success", status=200, mimetype="text/plain")

    return app


def router_for(nlu: NluSettings) -> Router:
    """The router for this ``nlu`` section, built on first use and shared by every app of the
    process with the same section. Raises :class:`ConfigError` naming the key when the section
    cannot make one (an unknown intent, an unreadable examples file)."""
    try:
        return _router(nlu.model_dump_json())
    except (ValueError, OSError) as exc:
        raise ConfigError(str(exc)) from None


@lru_cache(maxsize=4)
def _router(nlu_json: str) -> Router:
    # Building the router loads jieba's dictionaries and learns from the labelled examples.
    return build_router(NluSettings.model_validate_json(nlu_json))
