"""Dispatch rate against the sandbox, beside the sandbox's raw accept rate, in one run.

    python -m bench.dispatch_rate                          # 5,000 messages, 0 and 50 ms, SQLite
    python -m bench.dispatch_rate --messages 10000 --concurrency 16 --latency 0 50
    python -m bench.dispatch_rate --database-url postgresql://postgres@127.0.0.1:5432/postgres

For each injected platform latency (``--latency``, ms; the sandbox's fault injection, ``POST
/sandbox/faults`` with rate 1 — every call waits that long before the platform works) a fresh
database gets ``--messages`` followers, each with an open customer-service window on both
sides (kiteline's follower row, the sandbox's user). The sandbox runs alone in its own process
as an HTTP server (waitress, ``--concurrency`` + 4 threads, the sandbox app without the bot), as
WeChat would be elsewhere.

In each of ``--rounds`` rounds (4 by default) a share of the followers is sent to twice, raw
then dispatch, so both see the same load from whatever else runs on the machine (on a shared
2-core machine the load moves within a minute; one round of each moved the ratio by ±0.2):

- **raw**: ``--concurrency`` threads of this process post the same news message straight to the
  sandbox's ``/cgi-bin/message/custom/send`` (one ``requests.Session`` each, the token fetched
  once), one per follower: what the platform accepts per second at that concurrency.
- **dispatch**: one lesson push (news) is queued in the outbox per follower of the share, then
  one dispatcher round (``bot.dispatcher.send_due``: claims, window, attempts, settles, with
  ``delivery.concurrency`` = ``--concurrency`` and ``rate_per_second`` 1000, so the rate limit is
  not what is measured) sends them over the same sandbox, each worker with its own API client
  over HTTP.

Columns: messages/s of each (all rounds' messages over all rounds' time), their ratio (target ≥ 0.8), rows sent, the sandbox's refusals
(must be 0) and the database transactions the dispatcher committed per message.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import event, insert, select, update

from bench.delivery_world import Database
from bot.dispatcher import send_due
from bot.runtime import build_runtime
from bot.sandbox import state as sandbox
from bot.wechat_api import wechat_client
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Article, LessonPush
from models.follower import Follower
from models.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = Article("学习新修订的《中国共产党纪律处分条例》", "【政策理论】要点解读。",
                  "https://kiteline.example.invalid/lessons/1")


def settings_for(db_url: str, port: int, concurrency: int):
    env = {"KITELINE_DATABASE__URL": db_url, "KITELINE_SCHEDULER__ENABLED": "false",
           "KITELINE_WECHAT__API_BASE_URL": f"http://127.0.0.1:{port}/cgi-bin/",
           "KITELINE_WECHAT__API_TIMEOUT_SECONDS": "10",
           "KITELINE_DELIVERY__CONCURRENCY": str(concurrency)}
    settings = load_settings(ROOT / "config.yaml", env=env)
    settings.delivery.rate_per_second = {"custom": 1000, "template": 1000}  # the most config allows
    return settings


def sandbox_server(db_url: str, port: int, threads: int) -> None:
    """The sandbox alone over HTTP (no bot), on the run's database."""
    from waitress import serve

    from bot.sandbox import Platform, sandbox_app
    settings = settings_for(db_url, port, 1)
    rt = build_runtime(settings)
    serve(sandbox_app(Platform(rt.engine, rt.clock, settings)), host="127.0.0.1", port=port, threads=threads,
          _quiet=True, connection_limit=threads * 4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(rt, messages: int, label: str) -> list[str]:
    """``messages`` followers with open windows on both sides (kiteline's and the sandbox's)."""
    now = rt.clock.now()
    openids = [f"oRate_{label}_{n:06d}" for n in range(messages)]
    window = now + dt.timedelta(hours=48)
    sandbox.create_tables(rt.engine)
    with rt.engine.begin() as conn:
        conn.execute(insert(Follower.__table__), [
            {"openid": o, "subscribed": True, "first_seen_at": now, "last_interaction_at": now,
             "window_expires_at": window, "window_budget": 5} for o in openids])
        conn.execute(insert(sandbox.users), [
            {"openid": o, "subscribed": True, "window_expires_at": window, "window_budget": 5} for o in openids])
    return openids


def queue_pushes(rt, openids: list[str]) -> None:
    """One lesson push (news) queued in the outbox for each of ``openids``."""
    now = rt.clock.now()
    with rt.engine.begin() as conn:
        conn.execute(insert(OutboxMessage.__table__), [
            {"openid": o, "member_id": None, "kind": "news", "payload": LessonPush(1, ARTICLE).as_json(),
             "purpose": "lesson_push", "idempotency_key": f"rate:{o}", "status": "pending", "attempts": 0,
             "resends": 0, "next_attempt_at": now, "created_at": now} for o in openids])


def raw_rate(base: str, token: str, openids: list[str], concurrency: int) -> tuple[float, int]:
    """Post a news message to each of ``openids`` with ``concurrency`` threads; returns
    (messages/s, accepted)."""
    lock, todo, accepted = threading.Lock(), iter(openids), [0]
    body = {"msgtype": "news", "news": {"articles": [ARTICLE.as_json()]}}

    def client() -> None:
        http, ok = requests.Session(), 0
        while True:
            with lock:
                openid = next(todo, None)
            if openid is None:
                break
            answer = http.post(f"{base}message/custom/send", params={"access_token": token},
                               json={**body, "touser": openid}, timeout=30).json()
            ok += answer.get("errcode") == 0
        with lock:
            accepted[0] += ok

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(openids) / (time.monotonic() - started), accepted[0]


def one_run(server_url: str | None, messages: int, concurrency: int, latency_ms: int, rounds: int = 1) -> dict:
    db = Database(server_url)
    port = free_port()
    settings = settings_for(db.url, port, concurrency)
    rt = build_runtime(settings)
    openids = populate(rt, messages, str(latency_ms))
    server = mp.get_context("spawn").Process(target=sandbox_server, args=(db.url, port, concurrency + 4), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}/cgi-bin/"
    try:
        for _ in range(300):
            try:
                requests.get(f"http://127.0.0.1:{port}/sandbox/stats", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        if latency_ms:
            requests.post(f"http://127.0.0.1:{port}/sandbox/faults", timeout=5, json={
                "path": "message/custom/send", "rate": 1.0, "latency_ms": latency_ms})
        token = wechat_client(rt).access_token
        commits = [0]
        event.listen(rt.engine, "commit", lambda _conn: commits.__setitem__(0, commits[0] + 1))
        raw_secs = dispatch_secs = accepted = refused = dispatcher_commits = 0
        outcomes: Counter = Counter()
        # Raw and dispatch take turns on a share of the followers each round, so both see the
        # same load from whatever else runs on the machine.
        for chunk in (openids[i::rounds] for i in range(rounds)):
            queue_pushes(rt, chunk)
            rate, ok = raw_rate(base, token, chunk, concurrency)
            raw_secs, accepted = raw_secs + len(chunk) / rate, accepted + ok
            with rt.engine.begin() as conn:  # each follower's window as it was before the raw sends
                conn.execute(update(sandbox.users).values(window_budget=5))
            requests.delete(f"http://127.0.0.1:{port}/sandbox/stats", timeout=5)
            started, before = time.monotonic(), commits[0]
            outcomes += send_due(rt)
            dispatch_secs += time.monotonic() - started
            dispatcher_commits += commits[0] - before
            stats = requests.get(f"http://127.0.0.1:{port}/sandbox/stats", timeout=5).json()
            refused += sum(sum(v["refused"].values()) for v in stats.values())
        with rt.session() as s:
            sent = len(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "sent")).all())
        return {"latency": latency_ms, "messages": messages, "raw": messages / raw_secs, "raw_ok": accepted,
                "dispatch": messages / dispatch_secs, "sent": sent, "refused": refused, "outcomes": dict(outcomes),
                "commits": dispatcher_commits / messages}
    finally:
        server.terminate()
        server.join(timeout=10)
        rt.engine.dispose()
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=int, nargs="+", default=[0, 50], help="injected platform latency, ms")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (default: a SQLite file)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="raw and dispatch take turns this many times, on a share of the messages each")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"dispatch vs the sandbox's raw accept rate: {args.messages} messages, concurrency "
          f"{args.concurrency}, {args.rounds} rounds, {backend}")
    print(f"{'latency':>8} {'msgs':>6} {'raw/s':>8} {'dispatch/s':>11} {'ratio':>6} {'sent':>6} {'refused':>8} "
          f"{'commits/msg':>12}")
    for latency in args.latency:
        r = one_run(args.database_url, args.messages, args.concurrency, latency, args.rounds)
        print(f"{str(latency) + ' ms':>8} {r['messages']:>6} {r['raw']:>8.0f} {r['dispatch']:>11.0f} "
              f"{r['dispatch'] / r['raw']:>6.2f} {r['sent']:>6} {r['refused']:>8} {r['commits']:>12.2f}", flush=True)


if __name__ == "__main__":
    main()
