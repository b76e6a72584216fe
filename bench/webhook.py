"""Webhook throughput: the full kiteline pipeline against a bare Flask app, side by side.

    python -m bench.webhook [--messages 2000] [--seconds 20] [--threads 8] [--connections 8]
                            [--rounds 3] [--members 200]                    (from the repo root)

Both apps run under waitress with the same thread count, each in its own process, on loopback
ports; the load comes from separate processes (``--load-procs``) over keep-alive HTTP/1.1
connections. The full app is ``kiteline serve --no-scheduler`` on the embedded default (a fresh
SQLite file, WAL, sandbox mode): signed plain-mode text messages from distinct bound members go
through signature check, parse, dedupe insert, routing, the handler, the stored reply. The bare
app answers every POST with a fixed passive-reply XML and does nothing else: the cost of Flask
plus waitress plus HTTP, the ceiling for any webhook on this machine.

Every request is built and signed before the clock starts. Rounds alternate bare and full so a
noisy neighbour hurts both alike; each round is bounded by ``--messages`` and ``--seconds``. The
medians are printed, with p50/p99 latency and the number of non-200 or apology answers (must be 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import logging
import multiprocessing as mp
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "kiteline"
ACCOUNT = "gh_3f9a2c1d7e88"
# What members most often send; each reaches a different handler.
TEXTS = ("学习", "菜单", "我的积分", "联络员是谁", "党费交了吗", "驿站电话")
# The webhook's apology and busy answers both start so: they count as failures here.
APOLOGY_START = "抱歉，系统".encode()
FIXED_REPLY = (
    f"<xml><ToUserName><![CDATA[oBench]]></ToUserName><FromUserName><![CDATA[{ACCOUNT}]]></FromUserName>"
    "<CreateTime>1764380000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[收到，这是一条固定的回复。]]></Content></xml>"
)


@dataclass
class Result:
    app: str
    messages: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


# -- the two servers (each in its own process) ----------------------------------------------------

def _settings(db_url: str, port: int):
    from models.settings import load_settings

    env = {"KITELINE_DATABASE__URL": db_url, "KITELINE_SCHEDULER__ENABLED": "false",
           "KITELINE_SERVER__PORT": str(port), "KITELINE_WECHAT__TOKEN": TOKEN}
    return load_settings(ROOT / "config.yaml", env=env)


def _quiet_waitress() -> None:
    # waitress warns "Task queue depth is N" whenever all threads are busy: that is the point here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def serve_full(db_url: str, port: int, threads: int) -> None:
    """The real app, as ``kiteline serve --no-scheduler`` builds it."""
    from waitress import serve

    from bot.app import create_app

    _quiet_waitress()
    serve(create_app(_settings(db_url, port)), host="127.0.0.1", port=port, threads=threads, _quiet=True)


def serve_bare(port: int, threads: int) -> None:
    """Flask answering every POST with fixed XML: no signature, no parsing, no database."""
    from flask import Flask, Response
    from waitress import serve

    _quiet_waitress()
    app = Flask("bare")
    app.add_url_rule("/wechat", "wechat", lambda: Response(FIXED_REPLY, mimetype="application/xml"),
                     methods=["POST"])
    serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def seed(db_url: str, members: int) -> list[str]:
    """A branch, a liaison, ``members`` bound mobile members and a few lessons. Returns openids."""
    from bot.runtime import build_runtime
    from models.lesson import Lesson
    from models.member import Liaison, Member
    from models.migrations import schema
    from models.org import Organization

    now = dt.datetime.now(dt.timezone.utc)
    rt = build_runtime(_settings(db_url, 8080))
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
        s.add_all(Lesson(title=f"第{i}课 学习新修订的条例", category="policy", summary="要点。",
                         url=f"https://kiteline.example.invalid/lessons/{i}", sequence=i, created_at=now)
                  for i in range(1, 6))
        s.commit()
    rt.engine.dispose()
    return openids


# -- the load (separate processes) ---------------------------------------------------------------

def build_requests(openids: list[str], count: int, first_msg_id: int) -> list[tuple[str, bytes]]:
    """``count`` signed text messages, round-robin over the members, each with a new MsgId."""
    now = int(time.time())
    requests = []
    for n, openid, text in zip(range(count), itertools.cycle(openids), itertools.cycle(TEXTS)):
        nonce = f"b{n}"
        signature = hashlib.sha1("".join(sorted([TOKEN, str(now), nonce])).encode()).hexdigest()
        query = urlencode({"signature": signature, "timestamp": now, "nonce": nonce, "openid": openid})
        xml = (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
               f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{text}]]></Content><MsgId>{first_msg_id + n}</MsgId></xml>")
        requests.append((f"/wechat?{query}", xml.encode()))
    return requests


def _client(port: int, work: list, lock: threading.Lock, deadline: float, out: list) -> None:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        with lock:
            if not work:
                break
            path, body = work.pop()
        start = time.monotonic()
        conn.request("POST", path, body, {"Content-Type": "text/xml"})
        resp = conn.getresponse()
        answer = resp.read()
        ok = resp.status == 200 and answer.startswith(b"<xml>") and APOLOGY_START not in answer
        out.append((start, time.monotonic(), ok))
    conn.close()


def load_worker(port: int, work: list, connections: int, seconds: float) -> list:
    """One load process: ``connections`` keep-alive clients share ``work``; returns
    (start, end, ok) per request, on the system-wide monotonic clock."""
    lock, out = threading.Lock(), []
    deadline = time.monotonic() + seconds
    clients = [threading.Thread(target=_client, args=(port, work, lock, deadline, out))
               for _ in range(connections)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    return out


def run_load(pool, app: str, port: int, requests: list, args) -> Result:
    shares = [requests[i::args.load_procs] for i in range(args.load_procs)]
    per_proc = max(1, args.connections // args.load_procs)
    done = pool.starmap(load_worker, [(port, share, per_proc, args.seconds) for share in shares])
    samples = [s for part in done for s in part]
    seconds = max(e for _, e, _ in samples) - min(s for s, _, _ in samples)
    return Result(app, len(samples), seconds, [e - s for s, e, _ in samples],
                  sum(1 for *_, ok in samples if not ok))


# -- the run -------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: mp.Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.is_alive():
            raise SystemExit(f"server on port {port} exited with {proc.exitcode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start in {timeout:.0f}s")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(results: list[Result], args) -> str:
    lines = [f"waitress threads={args.threads}, {args.connections} keep-alive connections from "
             f"{args.load_procs} load process(es), ≤{args.messages} messages or {args.seconds:.0f}s per round",
             f"{'app':<10} {'round':>5} {'msgs':>6} {'secs':>6} {'msg/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'fail':>5}"]
    for n, r in enumerate(results):
        lines.append(f"{r.app:<10} {n // 2 + 1:>5} {r.messages:>6} {r.seconds:>6.2f} {r.rate:>7.0f} "
                     f"{_percentile(r.latencies, .5):>7.1f} {_percentile(r.latencies, .99):>7.1f} {r.failures:>5}")
    median = {app: statistics.median(r.rate for r in results if r.app == app) for app in ("bare", "kiteline")}
    lines.append(f"median msg/s: bare Flask {median['bare']:.0f}, kiteline full pipeline {median['kiteline']:.0f} "
                 f"({median['kiteline'] / median['bare']:.0%} of bare)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="kiteline-bench-") as tmp:
        db_url = f"sqlite:///{tmp}/kiteline.db"
        openids = seed(db_url, args.members)
        ports = {"bare": _free_port(), "kiteline": _free_port()}
        servers = {"bare": ctx.Process(target=serve_bare, args=(ports["bare"], args.threads)),
                   "kiteline": ctx.Process(target=serve_full, args=(db_url, ports["kiteline"], args.threads))}
        for proc in servers.values():
            proc.start()
        try:
            for app, proc in servers.items():
                _wait_listening(ports[app], proc)
            print(report(_rounds(ctx, ports, openids, args), args))
        finally:
            for proc in servers.values():
                proc.terminate()
                proc.join()


def _rounds(ctx, ports: dict, openids: list[str], args) -> list[Result]:
    msg_ids = itertools.count(1, args.messages + args.warmup)
    results = []
    with ctx.Pool(args.load_procs) as pool:
        for app in ("bare", "kiteline"):  # warm up: imports, jieba's dictionary, connections
            run_load(pool, app, ports[app], build_requests(openids, args.warmup, next(msg_ids)), args)
        for _ in range(args.rounds):
            for app in ("bare", "kiteline"):
                requests = build_requests(openids, args.messages, next(msg_ids))
                results.append(run_load(pool, app, ports[app], requests, args))
    return results


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=2000, help="messages per app per round")
    p.add_argument("--seconds", type=float, default=20, help="time limit per app per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=200, help="messages per app before measuring")
    p.add_argument("--threads", type=int, default=8, help="waitress threads, both apps (serve's default)")
    p.add_argument("--connections", type=int, default=8, help="concurrent keep-alive client connections")
    p.add_argument("--load-procs", type=int, default=2, help="load generator processes")
    p.add_argument("--members", type=int, default=200, help="distinct bound members sending")
    return p.parse_args(argv)


if __name__ == "__main__":
    main()
