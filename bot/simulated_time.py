"""``GET|POST /sandbox/clock``: the sandbox's simulated time over HTTP (DESIGN.md §3), mounted
by :func:`bot.app.create_app` in sandbox mode only (404 otherwise).

``GET`` → ``{"now": ISO-8601, "epoch": seconds}``. ``POST {"advance_seconds": N}`` or
``{"set": ISO-8601}`` queues a move (:mod:`models.clock_moves`) and answers once it has been
carried out: the jobs that fell due in the span ran, the outbox was sent, and the answer says
``now``, ``epoch``, which jobs ran at which simulated time (``ran``) and how the outbox rows
ended (``dispatched``). Whoever leads the scheduler carries the move out; when nobody does, this
process leads for as long as the move takes (:func:`carried_out`). Refusals are ``400`` with
``{"error": ...}``: a body that is not JSON, a negative advance, a set before the service's now.

Every request reads the clock's offset once (:class:`PinClock`), however often it asks the time.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from bot.dispatcher import send_due
from bot.runtime import Runtime
from bot.sandbox import push_finished
from bot.wechat_api import wechat_client
from models import clock_moves
from models.delivery.claims import held_now
from models.scheduling import SCHEDULER_LEASE, lease_holder
from models.simulated_time import SimulatedClock
from scheduler.service import SchedulerService, wake_local_leaders
from scheduler.simulated_time import Dispatch

# Where :func:`register` keeps how this process sends the outbox for a move, in ``app.extensions``.
DISPATCH = "kiteline.clock_dispatch"
# A move nobody has started after this long is abandoned (the leader is stuck or busy with a
# long job); one started is waited for this long before the asker is told it is still under way.
START_WAIT_SECONDS = 120
FINISH_WAIT_SECONDS = 600
POLL_SECONDS = 0.02
# After its own round, how long a move waits for rows another dispatcher (serve's thread) holds.
SETTLE_SECONDS = 30

bp = Blueprint("clock", __name__)


def register(app: Flask, rt: Runtime) -> None:
    """Mount the routes and pin the clock's offset per request. ``rt.clock`` must be a
    :class:`SimulatedClock` (sandbox mode)."""
    app.extensions[DISPATCH] = outbox_round(rt, app)
    app.register_blueprint(bp)
    app.wsgi_app = PinClock(app.wsgi_app, rt.clock)  # type: ignore[method-assign]


class PinClock:
    """WSGI middleware: the clock's offset read once per request (the webhook asks the time a
    dozen times)."""

    def __init__(self, app: Callable, clock: SimulatedClock) -> None:
        self.app, self.clock = app, clock

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        with self.clock.pinned():
            return self.app(environ, start_response)


def outbox_round(rt: Runtime, app: Flask | None) -> Dispatch:
    """How a move sends the outbox from this process: a round of ``kiteline dispatcher --once``
    through ``app``'s sandbox (in-process), then a wait (at most :data:`SETTLE_SECONDS`) for
    rows another dispatcher of the database holds, so the answer comes after every due row
    went out; then the sandbox pushes the finish reports of the mass sends made
    (``bot.sandbox.push_finished``)."""
    def send() -> Counter:
        outcomes = send_due(rt, new_client=lambda: wechat_client(rt, app))
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            with rt.session() as s:
                if not held_now(s):
                    break
            time.sleep(POLL_SECONDS)
        if app is not None and rt.settings.wechat.sandbox:
            push_finished(app, due_only=False)  # the mass sends of the span have finished
        return outcomes
    return send


def _runtime() -> Runtime:
    return current_app.extensions["kiteline"]


def _zone(rt: Runtime) -> ZoneInfo:
    return ZoneInfo(rt.settings.scheduler.timezone)


def _refuse(status: int, error: str) -> tuple[Response, int]:
    return jsonify(error=error), status


@bp.get("/sandbox/clock")
def show() -> Response:
    """``{"now": "2026-11-29T09:00:00+08:00", "epoch": 1796000400}`` in ``scheduler.timezone``."""
    rt = _runtime()
    now = rt.clock.now().astimezone(_zone(rt)).replace(microsecond=0)
    return jsonify(now=now.isoformat(), epoch=int(now.timestamp()))


@bp.post("/sandbox/clock")
def move() -> Response | tuple[Response, int]:
    """Move the clock forward and answer when everything due in the span has run."""
    rt = _runtime()
    try:
        # Read here, not by get_json: its None is both "not JSON" and a JSON null.
        body = json.loads(request.get_data())
    except ValueError:
        return _refuse(400, f"the body is not JSON: {clock_moves.USAGE}")
    try:
        wanted = clock_moves.parse_move(body, _zone(rt))
        wanted.destination(rt.clock.now())  # refuse a set to the past before queueing it
    except ValueError as exc:
        return _refuse(400, str(exc))
    with rt.session() as s:
        move_id = clock_moves.queue(s, wanted, rt.clock.wall.now())
        s.commit()
    status, report = carried_out(rt, move_id, current_app.extensions[DISPATCH])
    if status == "done":
        return jsonify(report)
    if status == "refused":
        return _refuse(400, report["error"])
    if status == "failed":
        return _refuse(500, report["error"])
    if status == "abandoned":
        return _refuse(503, f"no scheduler took the move up within {START_WAIT_SECONDS} s (the leader "
                            "may be stuck or busy with a long job); the clock did not move")
    return _refuse(503, f"the move is still under way after {FINISH_WAIT_SECONDS} s; "
                        "GET /sandbox/clock shows the time once it is done")


def carried_out(rt: Runtime, move_id: int, dispatch: Dispatch) -> tuple[str, dict | None]:
    """Wait until move ``move_id`` has been carried out; ``(status, report)``. The scheduler's
    leader does it (woken at once when it runs in this process). When nobody leads, this
    process starts a scheduler that leads for the time the move takes, then gives the lease
    back. Gives up as the ``*_WAIT_SECONDS`` say (``abandoned``, or ``running``)."""
    temporary: SchedulerService | None = None
    wake_local_leaders()
    started_by = time.monotonic() + START_WAIT_SECONDS
    finished_by = None
    try:
        while True:
            with rt.session() as s:
                status, report = clock_moves.status_of(s, move_id)
                leader = lease_holder(s, SCHEDULER_LEASE, rt.clock.wall.now())
            if status not in ("pending", "running"):
                return status, report
            if status == "running":
                finished_by = finished_by or time.monotonic() + FINISH_WAIT_SECONDS
                if time.monotonic() > finished_by:
                    return status, None
            elif leader is None and temporary is None:
                temporary = SchedulerService(rt, dispatch=dispatch)
                temporary.start()
            elif time.monotonic() > started_by:
                with rt.session() as s:
                    if clock_moves.abandon(s, move_id, rt.clock.wall.now()):
                        s.commit()
                        return "abandoned", None
            time.sleep(POLL_SECONDS)
    finally:
        if temporary is not None:
            temporary.shutdown()
