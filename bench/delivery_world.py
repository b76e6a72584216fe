"""The world the delivery bench sends into: a throwaway database with bound members and their
liaisons, a queued lesson push and help-request notices, and the count of what arrived.

Everything goes through kiteline's own paths: the lesson push is queued as a broadcast's row
carries it (``models.study.lesson_message``, ``models.delivery.queue.enqueue``), the notices come
from ``models.tickets.open_ticket``, and arrivals are read from the sandbox's record of what
each follower received (``sandbox_messages``).
"""
from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.sandbox import state as sandbox
from models import study
from models.db import make_engine
from models.delivery.outbox import OutboxMessage
from models.delivery.purposes import Guarantee, guarantee_of
from models.delivery.queue import enqueue
from models.delivery.window import interacted
from models.follower import Follower
from models.lesson import Lesson
from models.member import Liaison, Member
from models.migrations import schema
from models.org import Organization
from models.settings import load_settings
from models.tickets import Sla, open_ticket

ROOT = Path(__file__).resolve().parents[1]
BRANCHES = 4
NOTICES_PER_LIAISON = 2  # within a liaison's window budget of 5, resends included
UNSETTLED = ("pending", "claimed", "sending")


class Database:
    """A fresh, migrated database: a SQLite file, or with ``server_url`` a throwaway
    PostgreSQL database on that server (dropped by :meth:`drop`)."""

    def __init__(self, server_url: str | None) -> None:
        self.server_url, self.folder = server_url, tempfile.mkdtemp(prefix="kiteline-bench-")
        if server_url is None:
            self.url = f"sqlite:///{self.folder}/kiteline.db"
        else:
            self.name = f"kiteline_bench_{os.getpid()}_{secrets.token_hex(3)}"
            with psycopg.connect(self._admin(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = make_url(server_url).set(database=self.name).render_as_string(hide_password=False)
        engine = make_engine(self.url)
        schema.upgrade(engine)
        engine.dispose()

    def _admin(self) -> str:
        return make_url(self.server_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.server_url is not None:
            with psycopg.connect(self._admin(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def settings_env(db_url: str, concurrency: int, timeout: float, backoff: float) -> dict[str, str]:
    """The ``KITELINE_*`` environment every process of one run shares."""
    return {"KITELINE_DATABASE__URL": db_url, "KITELINE_DELIVERY__CONCURRENCY": str(concurrency),
            "KITELINE_WECHAT__API_TIMEOUT_SECONDS": str(timeout),
            "KITELINE_DELIVERY__RETRY_BACKOFF_SECONDS": str(backoff),
            "KITELINE_SCHEDULER__DISPATCH_INTERVAL_SECONDS": "1",
            "KITELINE_SCHEDULER__ENABLED": "false", "KITELINE_CONFIG": str(ROOT / "config.yaml")}


def open_world(env: dict[str, str]):
    """The app (with its in-process sandbox) on the run's database, as the bench sees it."""
    return create_app(load_settings(ROOT / "config.yaml", env=env))


def populate(app, members: int) -> int:
    """Bound members spread over :data:`BRANCHES` branches, each branch with a bound liaison,
    every one of them with an open window (they just wrote, as WeChat and kiteline both know);
    the scheduled lesson push to half the members, then :data:`NOTICES_PER_LIAISON` help
    requests per branch (filed while the push goes out), then the push to the other half.
    Returns how many messages are queued."""
    rt = app.extensions["kiteline"]
    now = rt.clock.now()
    with rt.session() as s:
        district = Organization(name="示例区", kind="district")
        branches = [Organization(name=f"第{n}党支部", kind="branch", parent=district) for n in range(1, BRANCHES + 1)]
        s.add_all(branches)
        s.flush()
        liaisons = {}
        for n, branch in enumerate(branches):
            person = Member(name=f"联络员{n}", phone=f"1390000{n:04d}", branch_id=branch.id, status="home",
                            openid=f"oBench_liaison_{n:02d}", bound_at=now, created_at=now)
            s.add(person)
            s.flush()
            liaisons[branch.id] = Liaison(member_id=person.id, branch_id=branch.id)
            s.add(liaisons[branch.id])
        s.flush()
        people = [Member(name=f"党员{n}", phone=f"1380000{n:04d}", branch_id=branches[n % BRANCHES].id,
                         liaison_id=liaisons[branches[n % BRANCHES].id].id, openid=f"oBench_member_{n:04d}",
                         bound_at=now, created_at=now) for n in range(members)]
        s.add_all(people)
        s.add(Lesson(title="学习新修订的《中国共产党纪律处分条例》", category="policy", summary="要点解读。",
                     url="https://kiteline.example.invalid/lessons/1", sequence=1, created_at=now))
        openids = [p.openid for p in people] + [f"oBench_liaison_{n:02d}" for n in range(BRANCHES)]
        for openid in openids:
            follower = Follower(openid=openid, first_seen_at=now, last_interaction_at=now)
            interacted(follower, now, window=True, by_message=True)
            s.add(follower)
        s.commit()
        with rt.engine.begin() as conn:
            for openid in openids:
                sandbox.observe(conn, f"bench:{openid}", openid, "text", None, now)
        lessons, half = study.library(s), members // 2
        _push(s, people[:half], lessons[0], rt.clock.now())
        s.commit()
        for person in people[:BRANCHES * NOTICES_PER_LIAISON]:
            open_ticket(s, person, "wages", f"{person.name}：老板拖欠了三个月工资", now=rt.clock.now(),
                        sla=Sla.of(rt.settings.liaison, rt.settings.scheduler.timezone),
                        notice_template_id=rt.settings.wechat.templates["liaison_notice"])
        s.commit()
        _push(s, people[half:], lessons[0], rt.clock.now())
        s.commit()
        return len(s.scalars(select(OutboxMessage.id)).all())


def received_count(app) -> int:
    with app.extensions["kiteline"].engine.connect() as conn:
        return len(conn.execute(select(sandbox.messages.c.id)).all())


def in_flight(app) -> int:
    """Rows a dispatcher holds (claimed or sending)."""
    with app.extensions["kiteline"].session() as s:
        return len(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status.in_(("claimed", "sending")))).all())


def unsettled(app) -> int:
    """Rows still to go (or in flight); deferred rows wait for a member and are settled here."""
    with app.extensions["kiteline"].session() as s:
        return len(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status.in_(UNSETTLED))).all())


def wait_settled(app, limit_seconds: float = 300) -> float:
    """Wait until no row is due or in flight; returns the seconds waited. Raises
    ``TimeoutError`` after ``limit_seconds``."""
    started = time.monotonic()
    while unsettled(app):
        if time.monotonic() - started > limit_seconds:
            raise TimeoutError(f"{unsettled(app)} outbox rows still unsettled after {limit_seconds} s")
        time.sleep(0.1)
    return time.monotonic() - started


@dataclass
class Tally:
    """What reached whom, per queued message (counted from the sandbox's record)."""

    messages: int = 0
    lost: int = 0  # nothing arrived, and the outbox does not say unknown/failed/dropped/deferred
    duplicated: int = 0  # extra copies of at-most-once messages (must be 0)
    unknown: int = 0
    unknown_arrived: int = 0
    resends: int = 0  # outbox resends of at-least-once messages after unknown outcomes
    extra_copies: int = 0  # copies of at-least-once messages beyond the first (the documented exception)
    statuses: Counter = field(default_factory=Counter)


def tally(app) -> Tally:
    rt = app.extensions["kiteline"]
    with rt.engine.connect() as conn:
        arrivals = Counter((r.openid, _text(r.msgtype, r.body)) for r in conn.execute(select(sandbox.messages)))
    result = Tally()
    with rt.session() as s:
        for row in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
            copies = arrivals[(row.openid, _text(row.kind, row.payload))]
            result.messages += 1
            result.statuses[row.status] += 1
            result.lost += copies == 0 and row.status not in ("unknown", "failed", "dropped", "deferred")
            result.unknown += row.status == "unknown"
            result.unknown_arrived += row.status == "unknown" and copies > 0
            if guarantee_of(row.purpose) is Guarantee.AT_MOST_ONCE:
                result.duplicated += max(copies - 1, 0)
            else:
                result.resends += row.resends
                result.extra_copies += max(copies - 1, 0)
    return result


def _text(kind: str, body: dict) -> str:
    if kind == "text":
        return body["content"]
    if kind == "news":
        return body["articles"][0]["title"]
    return repr(sorted(body.get("data", {}).items()))


def _push(session, people, lesson, now) -> None:
    """Queue ``lesson`` for each of ``people`` as a broadcast's row would carry it."""
    for person in people:
        enqueue(session, openid=person.openid, payload=study.lesson_message(lesson), purpose=study.PUSH_PURPOSE,
                idempotency_key=f"bench:{person.id}", now=now, member_id=person.id)
