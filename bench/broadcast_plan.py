"""Planning a scheduled broadcast at scale: time to plan one run of a lesson schedule for N
bound members (``models.broadcasts.planning.plan_run``). The push it replaced (one ORM enqueue
per member, 500 members a transaction; removed since) is in bench/README.md's figures; to set
today's code beside an older one, run this bench in each checkout back to back.

    python -m bench.broadcast_plan [--members 10000,100000]
                                   [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

For each database (a new SQLite file; with ``--database-url`` also a throwaway PostgreSQL
database, dropped after) and each N: a migrated schema, one branch, N bound members, a library
of 30 lessons and two study records per member (so each member's next unread is a real choice),
then the timed step in a fresh state each time:

1. ``plan``: one run of ``next_unread`` for everyone (N outbox rows);
2. ``plan again``: the same run asked again (a rerun: nothing added).

Times are wall seconds of the step alone (building the data is not counted), with this
process's CPU seconds beside them: on a busy machine wall time stretches, CPU time much less
(on SQLite all the work is in this process). On PostgreSQL the server's share is printed apart:
the CPU seconds of the database's backends during the step (/proc: the server must run on
this machine).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import tempfile
import time
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import insert, make_url, text
from sqlalchemy.orm import sessionmaker

from models.broadcasts.planning import plan_run
from models.db import make_engine
from models.lesson import Lesson, StudyRecord
from models.member import Member
from models.migrations import schema
from models.org import Organization
from models.reading import reading_url
from models.settings import LessonSchedule

NOW = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.timezone.utc)  # 08:30 in Shanghai
ZONE = ZoneInfo("Asia/Shanghai")
SCHEDULE = LessonSchedule(id="bench", cron="30 8 * * *")
LESSONS = 30
# Each member's reading link, as the scheduler's job binds it (scheduler.jobs.run_lesson_schedule).
LINKS = partial(reading_url, "https://kiteline.example.invalid", b"bench link key")


def fill(sessions: sessionmaker, members: int) -> None:
    """One branch, ``members`` bound members, the library, two study records each."""
    with sessions() as s:
        branch = Organization(name="白杨村党支部", kind="branch")
        s.add(branch)
        s.flush()
        s.execute(insert(Lesson), [{"title": f"第{n}课", "category": "policy", "summary": "", "sequence": n,
                                    "url": f"https://kiteline.example.invalid/lessons/{n}", "created_at": NOW}
                                   for n in range(1, LESSONS + 1)])
        s.execute(insert(Member), [{"name": "张某", "phone": f"138{n:08d}", "branch_id": branch.id,
                                    "openid": f"oKite_bench_{n:07d}", "status": "away", "created_at": NOW}
                                   for n in range(members)])
        first = s.scalar(text("SELECT min(id) FROM members"))
        s.execute(insert(StudyRecord), [{"member_id": first + n, "lesson_id": 1 + (n + k) % LESSONS,
                                         "source": "schedule", "delivered_at": NOW - dt.timedelta(days=1 + k)}
                                        for n in range(members) for k in range(2)])
        s.commit()


def server_cpu(engine) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving ``engine``'s database (user + system,
    /proc/<pid>/stat: the server runs on this machine); empty on SQLite, or when unreadable."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    found = {}
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def timed(step, engine) -> tuple[float, float, float | None]:
    """Wall seconds and this process's CPU seconds of ``step()``, and on PostgreSQL the CPU
    seconds the database's backends spent meanwhile (``None`` on SQLite)."""
    server = server_cpu(engine)
    started, cpu = time.perf_counter(), time.process_time()
    step()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = server_cpu(engine)
    spent = sum(seconds - server.get(pid, 0.0) for pid, seconds in after.items()) if after else None
    return wall, cpu, spent


def run(url: str, label: str, sizes: list[int]) -> None:
    for n in sizes:
        engine = make_engine(url if "{n}" not in url else url.format(n=n))
        schema.upgrade(engine)
        sessions = sessionmaker(engine)
        fill(sessions, n)
        first = timed(lambda: plan_run(sessions, SCHEDULE, ZONE, NOW, links=LINKS), engine)
        again = timed(lambda: plan_run(sessions, SCHEDULE, ZONE, NOW, links=LINKS), engine)
        with sessions() as s:
            planned = s.scalar(text("SELECT count(*) FROM outbox"))
        server = "" if first[2] is None else f", server CPU {first[2]:5.2f} s"
        line = (f"{label:<11}{n:>8} members  plan {first[0]:6.2f} s (CPU {first[1]:5.2f} s{server}, {planned} rows)"
                f"  plan again {again[0]:5.2f} s")
        print(line, flush=True)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="10000,100000")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to also run on")
    args = parser.parse_args()
    sizes = [int(n) for n in args.members.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench_{{n}}.db", "SQLite", sizes)
    if args.database_url:
        admin = make_engine(args.database_url).execution_options(isolation_level="AUTOCOMMIT")
        for n in sizes:
            name = f"kiteline_bench_{secrets.token_hex(4)}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
                run(url, "PostgreSQL", [n])
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
