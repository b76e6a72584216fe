"""The access_token in several real processes on the wall clock: fetches per expiry, refusals.

    python -m bench.token_storm [--workers 4] [--lifetime 10] [--seconds 45]
                                [--database-url postgresql://…/empty_db]     (from the repo root)

The sandbox runs as its own HTTP server (waitress, the app ``kiteline serve`` builds) with its
tokens living ``--lifetime`` seconds instead of 7200 (a bench-only setting, no config key), and
``stable_token`` as WeChat documents it: the same token until it expires, ``expires_in`` the time
left. ``--workers`` processes, each with its own engine and API client over HTTP, call
``menu/get`` as fast as they can for ``--seconds``, sharing the token through the database
(a fresh SQLite file by default; an empty PostgreSQL database by URL). At the end the sandbox's own
counts (``GET /sandbox/stats``) give the ``stable_token`` fetches, the token lifetimes the run
spanned, and every refusal by error code: one fetch per lifetime and no 42001/40001 is the bar.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import socket
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from sqlalchemy import delete
from waitress import serve
from wechatpy.exceptions import WeChatClientException

from bot.app import create_app
from bot.runtime import build_runtime
from bot.sandbox import account, state, stats
from bot.wechat_api import menu_body, wechat_client
from models.migrations import schema
from models.settings import load_settings
from models.token import SharedToken

ROOT = Path(__file__).resolve().parents[1]


def settings_for(db_url: str, port: int):
    env = {"KITELINE_DATABASE__URL": db_url, "KITELINE_SCHEDULER__ENABLED": "false",
           "KITELINE_WECHAT__API_BASE_URL": f"http://127.0.0.1:{port}/cgi-bin/"}
    return load_settings(ROOT / "config.yaml", env=env)


def sandbox_server(db_url: str, port: int, lifetime: int) -> None:
    """The sandbox over HTTP, its tokens living ``lifetime`` seconds."""
    state.TOKEN_LIFETIME = dt.timedelta(seconds=lifetime)
    serve(create_app(settings_for(db_url, port)), host="127.0.0.1", port=port, threads=8, _quiet=True)


def worker(db_url: str, port: int, until: float, results: mp.Queue) -> None:
    """Call ``menu/get`` until ``until`` (epoch seconds); report calls and failures."""
    rt = build_runtime(settings_for(db_url, port))
    client = wechat_client(rt)
    calls = failures = 0
    while time.time() < until:
        try:
            client.menu.get()
        except WeChatClientException:
            failures += 1
        calls += 1
    rt.engine.dispose()
    results.put((calls, failures))


def prepare(db_url: str, port: int) -> None:
    """Migrate; start with no token, no counts and a menu (so ``menu/get`` is accepted)."""
    rt = build_runtime(settings_for(db_url, port))
    schema.upgrade(rt.engine)
    state.create_tables(rt.engine)
    with rt.engine.begin() as conn:
        conn.execute(delete(state.tokens))
        conn.execute(delete(state.menus))
        conn.execute(delete(SharedToken.__table__))
        stats.reset(conn)
        account.create_menu(conn, menu_body(rt.settings), dt.datetime.now(dt.timezone.utc))
    rt.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the sandbox did not start on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--lifetime", type=int, default=10, help="token lifetime in seconds")
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    db_url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='kiteline-token-')}/bench.db"
    port = free_port()
    prepare(db_url, port)
    server = mp.Process(target=sandbox_server, args=(db_url, port, args.lifetime), daemon=True)
    server.start()
    wait_for(port)
    results: mp.Queue = mp.Queue()
    started = time.time()
    workers = [mp.Process(target=worker, args=(db_url, port, started + args.seconds, results))
               for _ in range(args.workers)]
    for w in workers:
        w.start()
    outcomes = [results.get() for _ in workers]
    for w in workers:
        w.join()
    with urlopen(f"http://127.0.0.1:{port}/sandbox/stats") as answer:
        counts = json.load(answer)
    server.terminate()
    elapsed = time.time() - started
    fetches = counts.get("stable_token", {}).get("accepted", 0)
    lifetimes = elapsed / args.lifetime
    refused = {f"{api} {code}": n for api, c in counts.items() for code, n in c["refused"].items()}
    print(f"{args.workers} workers, token lifetime {args.lifetime} s, {elapsed:.1f} s: "
          f"{sum(c for c, _ in outcomes):,} calls, {sum(f for _, f in outcomes)} failed")
    print(f"stable_token fetches: {fetches} over {lifetimes:.1f} token lifetimes "
          f"(≤ {int(lifetimes) + 1} expected: the first token and one per expiry)")
    print("refused:", ", ".join(f"{k}: {n}" for k, n in sorted(refused.items())) or "none")


if __name__ == "__main__":
    main()
