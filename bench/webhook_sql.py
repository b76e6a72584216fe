"""What one message costs the database: SQL statements and transactions per ordinary routed
text message, counted in a single process with SQLAlchemy's engine events.

The app is built as ``bot.wsgi`` builds it (production mode, sandbox off); messages go through
the Flask test client, so every statement of every step of DESIGN.md §1 is seen — and nothing
else: no load generator, no other worker.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event

from bench.webhook_load import TEXTS, signed_text


@dataclass
class SqlCost:
    """Totals over ``messages`` messages: statements by first keyword (SELECT, INSERT …),
    ``commits`` (transactions), ``checkouts`` (connections taken from the pool; each one is a
    pre-ping round trip when the pool pings), and per text the statements of its last message."""

    messages: int = 0
    statements: Counter = field(default_factory=Counter)
    commits: int = 0
    checkouts: int = 0
    by_text: dict[str, int] = field(default_factory=dict)

    def per_message(self) -> str:
        n = self.messages or 1
        verbs = ", ".join(f"{v} {c / n:.1f}" for v, c in self.statements.most_common())
        each = ", ".join(f"{t} {c}" for t, c in self.by_text.items())
        return (f"{sum(self.statements.values()) / n:.1f} statements ({verbs}) in {self.commits / n:.1f} "
                f"transactions, {self.checkouts / n:.1f} pool checkouts per message; by text: {each}")


def measure(app, openids: list[str], messages: int, first_msg_id: int) -> SqlCost:
    """Send ``messages`` texts (round-robin over ``openids`` and :data:`TEXTS`, after one warm-up
    round) through ``app`` and count what reached the database."""
    engine = app.extensions["kiteline"].engine
    client = app.test_client()
    ids = itertools.count(first_msg_id)
    seen: list[str] = []
    cost = SqlCost()

    def post(openid: str, text: str) -> None:
        n = next(ids)
        path, body = signed_text(openid, text, n, f"q{n}", int(time.time()))
        resp = client.post(path, data=body)
        assert resp.status_code == 200 and "抱歉，系统" not in resp.get_data(as_text=True), resp.get_data()

    for openid, text in zip(openids, itertools.cycle(TEXTS)):  # warm-up: caches, the first query plans
        post(openid, text)

    def statement(conn, cursor, sql, params, context, executemany):
        seen.append(sql.lstrip().split(None, 1)[0].upper())

    def commit(conn):
        cost.commits += 1

    def checkout(dbapi_conn, record, proxy):
        cost.checkouts += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    event.listen(engine.pool, "checkout", checkout)
    try:
        for n, openid, text in zip(range(messages), itertools.cycle(openids), itertools.cycle(TEXTS)):
            seen.clear()
            post(openid, text)
            cost.statements.update(seen)
            cost.by_text[text] = len(seen)
            cost.messages += 1
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
        event.remove(engine.pool, "checkout", checkout)
    return cost


def count_in_subprocess(db_url: str, openids: list[str], messages: int, first_msg_id: int, source: Path,
                        env: dict[str, str]) -> dict:
    """:func:`measure` in a fresh process with the app of the checkout ``source``: returns
    ``{"messages": n, "summary": SqlCost.per_message()}``."""
    out = subprocess.run([sys.executable, "-m", "bench.webhook_sql", "--source", str(source),
                          "--messages", str(messages), "--first-msg-id", str(first_msg_id), db_url, *openids],
                         cwd=Path(__file__).resolve().parents[1], env={**os.environ, **env},
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="SQL per message, counted in this process")
    p.add_argument("--source", type=Path, required=True, help="the checkout whose app is measured")
    p.add_argument("--messages", type=int, default=120)
    p.add_argument("--first-msg-id", type=int, default=900_000_000, help="MsgIds from here on are new")
    p.add_argument("db_url")
    p.add_argument("openids", nargs="+")
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.source))  # bench.* is imported already: only the app comes from there
    from bot.app import create_app
    from models.settings import load_settings

    app = create_app(load_settings())
    cost = measure(app, args.openids, args.messages, args.first_msg_id)
    print(json.dumps({"messages": cost.messages, "summary": cost.per_message()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
