"""The scheduler on the sandbox's simulated clock (:mod:`models.simulated_time`).

APScheduler 3 tells time by ``datetime.now()``; after the clock has been moved a day ahead it
would fire a job due at simulated 09:00 at real 09:00 instead (again, if a move already ran it).
So in sandbox mode the leader runs :class:`SimulatedTimeScheduler`: APScheduler's job store,
triggers, pause/resume and threads, but each pass — every :data:`POLL_SECONDS` while it leads —
carries out the queued clock moves (:mod:`models.clock_moves`) and then runs the jobs due by the
simulated now, in its own thread, one at a time, through :func:`run_due_jobs`. Jobs added to it
get their first run time from the simulated now too.

:func:`run_due_jobs` knows no job by name: it works on whatever the store holds (lesson pushes,
the delivery digest, any job added later). Each job due in the span runs once, like a coalesced
misfire: at its last due time in the span, with the clock frozen there while it runs; jobs run
in the order of those times (then by id). Its next run time is moved past the span before it
runs, so nothing runs twice, whoever looks at the store next. There is no misfire grace here: a
job missed while no scheduler ran runs at the next pass however late, once.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_PAUSED, BaseScheduler
from apscheduler.util import undefined
from sqlalchemy.orm import Session, sessionmaker

from models import clock_moves
from models.simulated_time import SimulatedClock

log = logging.getLogger(__name__)

# How often the leader looks for moves and due jobs: a move waits at most this long to start.
POLL_SECONDS = 0.5
# A job that keeps itself due (re-adding itself inside the span) stops a span after this many runs.
MAX_RUNS_PER_SPAN = 10_000

# What the scheduler's process sends the outbox with once a move's jobs have run (a round of
# ``kiteline dispatcher --once``); returns how many rows ended each way.
Dispatch = Callable[[], Mapping[str, int]]


def run_due_jobs(scheduler: BaseScheduler, until: dt.datetime, clock: SimulatedClock) -> list[dict]:
    """Run every job of ``scheduler``'s store due at or before ``until``, once each, in time
    order (see the module's docstring). The scheduler must be started (paused is fine) and its
    caller must be the only one running jobs (the lease holder). A job that raises is logged and
    the rest still run. Returns ``[{"job", "name", "at"[, "error"]}]`` in the order they ran,
    ``at`` in the scheduler's time zone."""
    ran: list[dict] = []
    for _ in range(MAX_RUNS_PER_SPAN):
        due = [(last, job.id, job) for job in scheduler.get_jobs()
               if (last := last_due_time(job, until)) is not None]
        if not due:
            return ran
        at, _, job = min(due, key=lambda d: (d[0], d[1]))
        following = job.trigger.get_next_fire_time(at, until)
        if following is None:
            scheduler.remove_job(job.id)
        else:
            scheduler.modify_job(job.id, next_run_time=following)
        ran.append(_run(job, at.astimezone(scheduler.timezone), clock))
    log.error("simulated time: jobs still due after %d runs up to %s; the rest wait for the next pass",
              MAX_RUNS_PER_SPAN, until.isoformat())
    return ran


def last_due_time(job: Job, until: dt.datetime) -> dt.datetime | None:
    """The last time ``job`` falls due at or before ``until`` (from its stored next run time
    on), or ``None`` when it is not due (or paused)."""
    last, at = None, job.next_run_time
    while at is not None and at <= until:
        last, at = at, job.trigger.get_next_fire_time(at, until)
    return last


def _run(job: Job, at: dt.datetime, clock: SimulatedClock) -> dict:
    entry = {"job": job.id, "name": job.name, "at": at.isoformat()}
    with clock.frozen_at(at.astimezone(dt.timezone.utc)):
        try:
            job.func(*job.args, **job.kwargs)
        except Exception as exc:  # one failing job must not stop the others (APScheduler's way too)
            log.exception("job %s due %s failed", job.id, at.isoformat())
            entry["error"] = f"{type(exc).__name__}: {exc}"
    log.info("simulated time: ran %s due %s", job.id, at.isoformat())
    return entry


def carry_out_moves(scheduler: BaseScheduler, sessions: sessionmaker[Session], clock: SimulatedClock,
                    dispatch: Dispatch | None) -> int:
    """Carry out the queued clock moves in order: for each, the due jobs up to its destination
    (:func:`run_due_jobs`), then the new offset, then one round of ``dispatch``; the asker finds
    the report in the move's row. A move to the past is refused with the reason. Returns how many
    moves were taken up. Only the lease holder calls this."""
    with sessions() as s:
        ids = [row.id for row in clock_moves.pending(s)]
    for move_id in ids:
        with sessions() as s:
            started = clock_moves.start(s, move_id)
            move = clock_moves.move_of(s.get(clock_moves.ClockMove, move_id))
            s.commit()
        if started:
            status, report = _carry_out(scheduler, clock, move, dispatch)
            with sessions() as s:
                clock_moves.finish(s, move_id, status, report, clock.wall.now())
                s.commit()
    return len(ids)


def _carry_out(scheduler: BaseScheduler, clock: SimulatedClock, move: clock_moves.Move,
               dispatch: Dispatch | None) -> tuple[str, dict]:
    try:
        until = move.destination(clock.wall.now() + clock.read_offset())
    except ValueError as exc:
        return "refused", {"error": str(exc)}
    try:
        ran = run_due_jobs(scheduler, until, clock)
        clock.move_to(until)
        with clock.pinned():
            dispatched = None if dispatch is None else dict(dispatch())
            now = clock.now().astimezone(scheduler.timezone).replace(microsecond=0)
    except Exception as exc:  # the asker gets an answer whatever broke; the log has the rest
        log.exception("simulated time: the move to %s stopped half-way", until.isoformat())
        return "failed", {"error": f"the move stopped half-way ({type(exc).__name__}: {exc}); "
                                   "see the scheduler's log"}
    return "done", {"now": now.isoformat(), "epoch": int(now.timestamp()), "ran": ran,
                    "dispatched": dispatched}


class SimulatedTimeScheduler(BackgroundScheduler):
    """A ``BackgroundScheduler`` whose passes follow ``clock`` (see the module's docstring).
    ``dispatch`` is what a move sends the outbox with (``None``: the move sends nothing)."""

    def __init__(self, clock: SimulatedClock, sessions: sessionmaker[Session], store: BaseJobStore,
                 dispatch: Dispatch | None, **options) -> None:
        super().__init__(jobstores={"default": store}, **options)
        self.clock, self.sessions, self.store, self.dispatch = clock, sessions, store, dispatch
        # One pass at a time, and no job added half-way through one (its first run time is set
        # from the simulated now right after APScheduler set it from the wall clock).
        self._pass_lock = threading.RLock()

    def add_job(self, *args, **kwargs) -> Job:
        """``BackgroundScheduler.add_job``, with the first run time from the simulated now unless
        ``next_run_time`` is given."""
        with self._pass_lock:
            job = super().add_job(*args, **kwargs)
            if kwargs.get("next_run_time", undefined) is undefined:
                job = self.modify_job(job.id, next_run_time=job.trigger.get_next_fire_time(None, self.clock.now()))
            return job

    def _process_jobs(self) -> float | None:
        # APScheduler's loop calls this when woken or when the returned seconds have passed.
        if self.state == STATE_PAUSED:
            return None
        with self._pass_lock:
            try:
                with self.clock.pinned():
                    carry_out_moves(self, self.sessions, self.clock, self.dispatch)
                    due = self.store.get_next_run_time()
                    if due is not None and due <= self.clock.now():
                        run_due_jobs(self, self.clock.now(), self.clock)
            except Exception:  # the database went away: the next pass tries again
                log.exception("simulated time: scheduler pass failed")
        return POLL_SECONDS
