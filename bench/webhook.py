"""Webhook throughput: kiteline against a bare Flask app, side by side, on SQLite and PostgreSQL.

    python -m bench.webhook                    # both databases, 3 rounds × (bare, kiteline)
    python -m bench.webhook --database sqlite --rounds 5 --messages 3000

Both apps run under the same server with the same workers — ``gunicorn --preload -w 2`` — each
on its own loopback port. kiteline is ``bot.wsgi:app`` in production mode (``wechat.sandbox:
false``, a fictional AppID; no WeChat API is called on this path) on a fresh database: a SQLite
file in WAL mode, or a throwaway database created on the PostgreSQL server ``--postgres-url``
(trust auth on 127.0.0.1:5432) and dropped after. The bare app (``bench.bare``) answers every
POST with fixed XML: the cost of Flask, gunicorn and HTTP alone.

Signed plain-mode text messages (菜单, 党费, 学习, 我的积分, 联络员是谁, 驿站电话) from ``--members``
distinct bound members, each with a new MsgId, go through every step of DESIGN.md §1. The load
comes from ``--load-procs`` other processes, ``--connections`` concurrent connections in all;
every request is built and signed before the clock starts. Rounds alternate bare and kiteline so
a noisy neighbour hurts both; each is bounded by ``--messages`` and ``--seconds``.

Printed per round: msg/s, p50/p99 latency, failures (non-200, or the apology / busy answer —
must be 0) and the server's CPU ms per message (user + system of the workers, from /proc);
then the medians and the ratio to bare, each worker's RSS and PSS (/proc/<pid>/smaps_rollup),
and the SQL statements, transactions and pool checkouts of one message, counted in a single
process (``bench.webhook_sql``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import multiprocessing as mp
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench import webhook_sql
from bench.webhook_load import (
    TOKEN,
    Result,
    build_requests,
    children,
    memory_mb,
    run_load,
)

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def production_env(db_url: str) -> dict[str, str]:
    """``KITELINE_*`` settings of the measured deployment: production mode, the bench's token."""
    return {"KITELINE_CONFIG": str(ROOT / "config.yaml"), "KITELINE_DATABASE__URL": db_url,
            "KITELINE_SCHEDULER__ENABLED": "false", "KITELINE_WECHAT__TOKEN": TOKEN,
            "KITELINE_WECHAT__SANDBOX": "false", "KITELINE_WECHAT__APP_ID": "wx00000000000bench0",
            "KITELINE_WECHAT__APP_SECRET": "bench-fictional-app-secret"}


def _settings(db_url: str):
    from models.settings import load_settings

    return load_settings(ROOT / "config.yaml", env=production_env(db_url))


def seed(db_url: str, members: int) -> list[str]:
    """Migrate, then a branch, a liaison, ``members`` bound mobile members who follow the
    account, and a few lessons. Returns the members' openids."""
    from bot.runtime import build_runtime
    from models.follower import Follower
    from models.lesson import Lesson
    from models.member import Liaison, Member
    from models.migrations import schema
    from models.org import Organization

    now = dt.datetime.now(dt.timezone.utc)
    rt = build_runtime(_settings(db_url))
    schema.upgrade(rt.engine)
    with rt.session() as s:
        district = Organization(name="示例区", kind="district")
        branch = Organization(name="白杨村党支部", kind="branch", contact_phone="0471-5550001",
                              parent=Organization(name="红柳镇", kind="township", parent=district))
        liaison_person = Member(name="李某", phone="13800009999", branch=branch, status="home", created_at=now)
        s.add_all([district, branch, liaison_person])
        s.flush()
        liaison = Liaison(member_id=liaison_person.id, branch_id=branch.id)
        s.add(liaison)
        s.flush()
        openids = [f"oBench_member_{i:05d}" for i in range(members)]
        s.add_all(Member(name=f"张某{i}", phone=f"138{i:08d}", branch=branch, status="away", openid=o,
                         bound_at=now, liaison_id=liaison.id, current_city="苏州市", created_at=now)
                  for i, o in enumerate(openids))
        s.add_all(Follower(openid=o, first_seen_at=now, last_interaction_at=now) for o in openids)
        s.add_all(Lesson(title=f"第{i}课 学习新修订的条例", category="policy", summary="要点。",
                         url=f"https://kiteline.example.invalid/lessons/{i}", sequence=i, created_at=now)
                  for i in range(1, 6))
        s.commit()
    rt.engine.dispose()
    return openids


@contextmanager
def database(kind: str, postgres_url: str):
    """A fresh database URL: a SQLite file in a temporary folder, or a PostgreSQL database
    created on the server of ``postgres_url`` and dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kiteline-bench-") as tmp:
            yield f"sqlite:///{tmp}/kiteline.db"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_url)
    name = f"kiteline_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, port: int, workers: int, source: Path, env: dict[str, str]) -> subprocess.Popen:
    """``gunicorn --preload -w workers`` serving ``app`` from the checkout ``source`` on
    ``port``; returns once it accepts connections and every worker is up."""
    env = {**os.environ, **env, "PYTHONPATH": str(source)}
    proc = subprocess.Popen([GUNICORN, "--preload", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--chdir", str(source), "--log-level", "warning", app],
                            cwd=source, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn {app} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if len(children(proc.pid)) == workers:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn {app} did not start in 120 s")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_database(kind: str, args, ctx) -> list[str]:
    """Seed, count one message's SQL, then the rounds against every server; the report lines."""
    sources = {"kiteline": ROOT} if args.before is None else {"before": args.before, "kiteline": ROOT}
    with database(kind, args.postgres_url) as db_url:
        openids = seed(db_url, args.members)
        costs = {app: webhook_sql.count_in_subprocess(db_url, openids[:12], args.sql_messages, 900_000_000 * n,
                                                      source, production_env(db_url))
                 for n, (app, source) in enumerate(sources.items(), 1)}
        apps = {"bare": ("bench.bare:app", ROOT, {})}
        apps.update({app: ("bot.wsgi:app", source, production_env(db_url)) for app, source in sources.items()})
        ports = {app: _free_port() for app in apps}
        servers = {app: start_gunicorn(target, ports[app], args.workers, source, env)
                   for app, (target, source, env) in apps.items()}
        try:
            workers = {app: children(proc.pid) for app, proc in servers.items()}
            results = _rounds(ctx, ports, workers, openids, args)
            memory = {app: [memory_mb(pid) for pid in pids] for app, pids in workers.items()}
        finally:
            for proc in servers.values():
                proc.terminate()
                proc.wait(30)
    return report(kind, results, memory, costs, args)


def report(kind: str, results: list[Result], memory: dict, costs: dict, args) -> list[str]:
    """The lines ``main`` prints for one database."""
    apps = list(memory)
    lines = [f"== {kind}: gunicorn --preload -w {args.workers}, {args.connections} connections from "
             f"{args.load_procs} load processes, ≤{args.messages} messages or {args.seconds:.0f} s per round",
             f"{'app':<10} {'round':>5} {'msgs':>6} {'secs':>6} {'msg/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
             f"{'fail':>5} {'cpu ms/msg':>10}"]
    for n, r in enumerate(results):
        lines.append(f"{r.app:<10} {n // len(apps) + 1:>5} {r.messages:>6} {r.seconds:>6.2f} {r.rate:>7.0f} "
                     f"{_percentile(r.latencies, .5):>7.1f} {_percentile(r.latencies, .99):>7.1f} {r.failures:>5} "
                     f"{r.cpu * 1000 / max(r.messages, 1):>10.2f}")
    bare = statistics.median(r.rate for r in results if r.app == "bare")
    for app in apps:
        mine = [r for r in results if r.app == app]
        rate = statistics.median(r.rate for r in mine)
        p50 = statistics.median(_percentile(r.latencies, .5) for r in mine)
        p99 = statistics.median(_percentile(r.latencies, .99) for r in mine)
        cpu = statistics.median(r.cpu * 1000 / max(r.messages, 1) for r in mine)
        mem = ", ".join(f"{r:.0f} / {p:.0f}" for r, p in memory[app])
        lines.append(f"{app:<9} median {rate:5.0f} msg/s ({rate / bare:.3f}× bare), p50 {p50:.1f} ms, "
                     f"p99 {p99:.1f} ms, {cpu:.2f} CPU ms/msg; workers RSS / PSS MB {mem}")
    for app, cost in costs.items():
        lines.append(f"{app:<9} SQL per message (one process, {cost['messages']} messages): {cost['summary']}")
    return lines


def _rounds(ctx, ports: dict, workers: dict, openids: list[str], args) -> list[Result]:
    msg_ids = itertools.count(1, args.messages + args.warmup)
    results = []
    with ctx.Pool(args.load_procs) as pool:
        def load(app: str, count: int) -> Result:
            requests = build_requests(openids, count, next(msg_ids), ports[app])
            return run_load(pool, app, ports[app], requests, args.load_procs, args.connections,
                            args.seconds, workers[app])

        for app in ports:  # warm up: imports, caches, connections
            load(app, args.warmup)
        for _ in range(args.rounds):
            for app in ports:
                results.append(load(app, args.messages))
    return results


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    ctx = mp.get_context("spawn")
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    for kind in kinds:
        print("\n".join(run_database(kind, args, ctx)), flush=True)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--before", type=Path, default=None,
                   help="another checkout (e.g. a worktree of main) run side by side as 'before'")
    p.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                   help="server where a throwaway database is created (and dropped after)")
    p.add_argument("--messages", type=int, default=3000, help="messages per app per round")
    p.add_argument("--seconds", type=float, default=20, help="time limit per app per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=300, help="messages per app before measuring")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers, both apps")
    p.add_argument("--connections", type=int, default=16, help="concurrent client connections in all")
    p.add_argument("--load-procs", type=int, default=2, help="load generator processes")
    p.add_argument("--members", type=int, default=200, help="distinct bound members sending")
    p.add_argument("--sql-messages", type=int, default=120, help="messages counted for SQL per message")
    return p.parse_args(argv)


if __name__ == "__main__":
    main()
