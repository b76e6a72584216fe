"""The sandbox's HTTP face: the ``/cgi-bin/`` paths kiteline calls, plus ``/sandbox/`` pages to
read what each user received, to count what was accepted and refused, and to inject faults.

Every ``/cgi-bin/`` answer is JSON shaped like the platform's (``errcode``/``errmsg``, HTTP 200
even for refusals, as WeChat does). Time is the app's injected clock, so tests move it.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import Connection

from bot.sandbox import account, mass, pushes, state, stats
from bot.sandbox.platform import current
from bot.sandbox.state import SandboxError

bp = Blueprint("sandbox", __name__)
Work = Callable[[Connection, dt.datetime, dict], dict | None]


def _platform(path: str, work: Work, *, needs_token: bool = True) -> Response:
    """Run one API call: injected fault first, then the token check, then ``work``. Every
    answer is counted under ``path`` (``GET /sandbox/stats``)."""
    platform = current()
    with platform.engine.begin() as conn:
        fault = account.take_fault(conn, path)
    if fault is not None and not fault.after_accept:
        time.sleep(fault.latency_ms / 1000)  # the fault asked for a slow platform
        if fault.errcode is not None:
            return _answer(path, {"errcode": fault.errcode, "errmsg": fault.errmsg})
    now = platform.clock.now()
    try:
        body = _body()
        with platform.engine.begin() as conn:
            if needs_token:
                state.check_token(conn, platform.settings.wechat.app_id, request.args.get("access_token"), now)
            result = work(conn, now, body) or {}
        answer = {"errcode": 0, "errmsg": "ok", **result}
    except SandboxError as exc:
        answer = {"errcode": exc.errcode, "errmsg": exc.errmsg, **exc.extra}
    if fault is not None and fault.after_accept:
        # The work is done (committed); the answer is what is slow, so a caller's read timeout
        # fires after the platform acted on the request.
        time.sleep(fault.latency_ms / 1000)
        if fault.errcode is not None:
            answer = {"errcode": fault.errcode, "errmsg": fault.errmsg}
    return _answer(path, answer)


def _answer(path: str, body: dict) -> Response:
    with current().engine.begin() as conn:
        stats.count_call(conn, path, body["errcode"])
    return jsonify(body)


def _body() -> dict:
    if request.method != "POST":
        return {}
    try:
        body = json.loads(request.get_data() or b"{}")
    except ValueError as exc:
        raise SandboxError(47001, "data format error") from exc
    if not isinstance(body, dict):
        raise SandboxError(47001, "data format error")
    return body


def _credentials(appid: str | None, secret: str | None, grant_type: str | None) -> None:
    wx = current().settings.wechat
    if grant_type != "client_credential":
        raise SandboxError(40002, "invalid grant_type")
    if appid != wx.app_id:
        raise SandboxError(40013, "invalid appid")
    if secret != wx.app_secret:
        raise SandboxError(40125, "invalid appsecret")


def _token(conn: Connection, now: dt.datetime, _body: dict) -> dict:
    args = request.args
    _credentials(args.get("appid"), args.get("secret"), args.get("grant_type"))
    token, expires_in = state.issue_token(conn, args["appid"], now)
    return {"access_token": token, "expires_in": expires_in}


def _stable_token(conn: Connection, now: dt.datetime, body: dict) -> dict:
    _credentials(body.get("appid"), body.get("secret"), body.get("grant_type"))
    token, expires_in = state.issue_stable_token(conn, body["appid"], now,
                                                 force_refresh=bool(body.get("force_refresh")))
    return {"access_token": token, "expires_in": expires_in}


def _qrcode(conn: Connection, now: dt.datetime, body: dict) -> dict:
    return account.create_qrcode(conn, body, now, current().settings.server.public_base_url)


_ROUTES: dict[str, tuple[str, Work, bool]] = {
    "token": ("GET", _token, False),
    "stable_token": ("POST", _stable_token, False),
    "message/custom/send": ("POST", lambda c, n, b: state.send_custom(c, b, n), True),
    "message/template/send": ("POST", lambda c, n, b: state.send_template(c, b, n), True),
    "message/mass/send": ("POST", lambda c, n, b: mass.send(c, b, n), True),
    "message/mass/get": ("POST", lambda c, n, b: mass.status(c, b), True),
    "menu/create": ("POST", lambda c, n, b: account.create_menu(c, b, n), True),
    "menu/get": ("GET", lambda c, n, b: account.current_menu(c), True),
    "qrcode/create": ("POST", _qrcode, True),
}


def _route(path: str, work: Work, needs_token: bool) -> Callable[[], Response]:
    def view() -> Response:
        return _platform(path, work, needs_token=needs_token)
    return view


for _path, (_method, _work, _needs_token) in _ROUTES.items():
    bp.add_url_rule(f"/cgi-bin/{_path}", f"cgi_{_path.replace('/', '_')}",
                    _route(_path, _work, _needs_token), methods=[_method])


@bp.get("/sandbox/messages/<openid>")
def received(openid: str) -> Response:
    """What ``openid`` received through the API, oldest first (see ``state.messages_for``)."""
    with current().engine.begin() as conn:
        return jsonify(state.messages_for(conn, openid))


@bp.post("/sandbox/mass/finish")
def finish_mass_sends() -> Response:
    """Finish every mass send now: push each report not yet pushed to the webhook, as WeChat
    does when a job ends (``bot.sandbox.pushes``). ``{"pushed": n}``; 0 when the sandbox runs
    without the webhook (``sandbox_app``)."""
    return jsonify(pushed=pushes.push_finished(current_app._get_current_object(), due_only=False))


@bp.get("/sandbox/qrcodes/<ticket>")
def scanned(ticket: str) -> Response:
    """What a QR code carries (what scanning it would send to the webhook)."""
    with current().engine.begin() as conn:
        code = account.qrcode(conn, ticket)
    return jsonify(code) if code else (jsonify(error="no such QR code"), 404)


@bp.get("/sandbox/stats")
def call_counts() -> Response:
    """``{"<api>": {"accepted": n, "refused": {"<errcode>": n}}}`` since the last reset."""
    with current().engine.begin() as conn:
        return jsonify(stats.summary(conn))


@bp.delete("/sandbox/stats")
def reset_counts() -> Response:
    with current().engine.begin() as conn:
        stats.reset(conn)
    return jsonify(cleared=True)


@bp.post("/sandbox/faults")
def add_fault() -> Response:
    """Body ``{"path": "message/custom/send", "errcode": -1, "count": 1, "latency_ms": 0}``, or
    with ``"rate": 0.3`` instead of ``count`` for 30% of every call until cleared, and
    ``"after_accept": true`` to do the work before the ``latency_ms`` wait (see
    ``account.add_fault``)."""
    try:
        with current().engine.begin() as conn:
            return jsonify(account.add_fault(conn, request.get_json(force=True, silent=True) or {}))
    except ValueError as exc:
        return jsonify(error=str(exc)), 400


@bp.delete("/sandbox/faults")
def clear_faults() -> Response:
    with current().engine.begin() as conn:
        account.clear_faults(conn)
    return jsonify(cleared=True)
