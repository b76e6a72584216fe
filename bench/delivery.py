"""Delivery under ``kill -9`` and under faults: what was lost, what arrived twice.

    python -m bench.delivery                         # both scenarios, SQLite, 3 kill runs per role
    python -m bench.delivery --scenario kill --role serve --runs 5
    python -m bench.delivery --database-url postgresql://postgres@127.0.0.1:5432/postgres

**kill**: a fresh database with ``--members`` bound members (and 4 branches' liaisons), a
lesson push queued to all and 2 help-request notices per liaison. ``kiteline dispatcher`` (or
``kiteline serve`` with its in-process dispatcher) starts as a subprocess in sandbox mode; every
send is accepted by the sandbox and answered 150 ms later, so calls are always in flight. Once
``--kill-at`` of the messages have arrived (by default half: the notices, filed half-way
through the push, are then in flight) the process gets SIGKILL; it is started again and
left to finish. Then, per queued message, the sandbox's record of what each follower received
is compared with the outbox.

**faults**: the same world with 30% faults on every send — 15% answered -1, 15% accepted and
answered after the API timeout (0.5 s) — sent by the dispatcher in this process, once with
``--concurrency`` workers and once with 1 (``--runs`` times), timed until nothing is left to
send. The time's tail is the back-off of the unluckiest row (0.5 s doubling per failure).

Columns: ``lost`` (nothing arrived and the outbox does not say unknown/failed/dropped — must be
0), ``dup`` (extra copies of lessons, at most once — must be 0), ``unknown`` (lessons whose
outcome was lost, not resent; in brackets how many had in fact arrived), ``resends`` (notices
sent again after an unknown outcome, at least once) and ``extra`` (copies of notices beyond the
first that liaisons received: the documented at-least-once exception) and ``wait`` (deferred
until the follower writes again: a notice whose window budget ran out went as its template, its
full text waits).
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from bench.delivery_world import (
    Database,
    Tally,
    in_flight,
    open_world,
    populate,
    received_count,
    settings_env,
    tally,
    wait_settled,
)
from bot.dispatcher import run_dispatcher
from bot.wechat_api import wechat_client

KILL_LATENCY_MS = 150
FAULT_TIMEOUT = 0.5
HEADER = (f"{'run':>4} {'msgs':>5} {'lost':>5} {'dup':>4} {'unknown':>10} {'resends':>8} {'extra':>6} {'wait':>5} "
          f"{'secs':>6}")


def row(label: str, t: Tally, secs: float, extra: str = "") -> str:
    unknown = f"{t.unknown} ({t.unknown_arrived})"
    return (f"{label:>4} {t.messages:>5} {t.lost:>5} {t.duplicated:>4} {unknown:>10} {t.resends:>8} "
            f"{t.extra_copies:>6} {t.statuses['deferred']:>5} {secs:>6.1f}{extra}")


def start(role: str, env: dict[str, str]) -> subprocess.Popen:
    """``kiteline dispatcher`` or ``kiteline serve`` (scheduler off, dispatcher on) on the run's
    database, in sandbox mode with the sandbox in-process."""
    args = ["dispatcher"]
    if role == "serve":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        args = ["serve", "--port", str(port)]
    return subprocess.Popen([sys.executable, "-c", "from bot.cli import run; run()", *args],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_run(server_url: str | None, role: str, members: int, concurrency: int, kill_at: float) -> tuple[Tally, int, float]:
    """One kill -9 run; returns the tally, the rows left in flight by the killed process, and
    the seconds from the first start to the last message settled."""
    db = Database(server_url)
    try:
        env = settings_env(db.url, concurrency, timeout=5, backoff=1)
        app = open_world(env)
        queued = populate(app, members)
        app.test_client().post("/sandbox/faults", json={"path": "message/custom/send", "rate": 1.0,
                                                        "after_accept": True, "latency_ms": KILL_LATENCY_MS})
        started = time.monotonic()
        proc = start(role, env)
        while received_count(app) < kill_at * queued:
            if proc.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"{role} ended or stalled before the kill (exit {proc.returncode})")
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = in_flight(app)
        proc = start(role, env)
        try:
            wait_settled(app)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        result = tally(app)
        app.extensions["kiteline"].engine.dispose()
        return result, left, time.monotonic() - started
    finally:
        db.drop()


def fault_run(server_url: str | None, members: int, concurrency: int) -> tuple[Tally, float]:
    """One run at 30% faults with ``concurrency`` workers; returns the tally and the seconds
    until nothing was left to send."""
    db = Database(server_url)
    try:
        app = open_world(settings_env(db.url, concurrency, timeout=FAULT_TIMEOUT, backoff=0.5))
        rt = app.extensions["kiteline"]
        populate(app, members)
        for fault in ({"errcode": -1}, {"after_accept": True, "latency_ms": int(FAULT_TIMEOUT * 1000) + 300}):
            app.test_client().post("/sandbox/faults", json={"path": "message/custom/send", "rate": 0.15, **fault})
        stop = threading.Event()
        thread = threading.Thread(target=run_dispatcher, args=(rt, lambda: wechat_client(rt, app), stop, 0.2))
        started = time.monotonic()
        thread.start()
        try:
            wait_settled(app)
        finally:
            stop.set()
            thread.join()
        secs = time.monotonic() - started
        result = tally(app)
        rt.engine.dispose()
        return result, secs
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("kill", "faults", "all"), default="all")
    parser.add_argument("--role", choices=("dispatcher", "serve", "both"), default="both")
    parser.add_argument("--members", type=int, default=82)
    parser.add_argument("--runs", type=int, default=3, help="kill runs per role, fault runs per concurrency")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--kill-at", type=float, default=0.5, help="share of messages arrived before the kill")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (default: SQLite files)")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    if args.scenario in ("kill", "all"):
        for role in (("dispatcher", "serve") if args.role == "both" else (args.role,)):
            print(f"\nkill -9 of kiteline {role} mid-push: {args.members} members + notices, "
                  f"concurrency {args.concurrency}, {backend}")
            print(HEADER + f" {'in flight at kill':>18}")
            for n in range(1, args.runs + 1):
                t, left, secs = kill_run(args.database_url, role, args.members, args.concurrency, args.kill_at)
                print(row(str(n), t, secs, f" {left:>18}"), flush=True)
    if args.scenario in ("faults", "all"):
        print(f"\n30% faults (15% -1, 15% answered after the {FAULT_TIMEOUT} s timeout), {args.members} members "
              f"+ notices, {backend}")
        print(HEADER.replace(" run", "conc"))
        for _ in range(args.runs):
            for concurrency in (args.concurrency, 1):
                t, secs = fault_run(args.database_url, args.members, concurrency)
                print(row(str(concurrency), t, secs), flush=True)


if __name__ == "__main__":
    main()
