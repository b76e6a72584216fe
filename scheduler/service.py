"""The scheduler service: APScheduler 3 with its jobs in the database, run by one leader.

Jobs live in ``apscheduler_jobs`` in the same database as everything else (``database.url``),
so they survive restarts. Any number of processes may start the service (``kiteline serve`` on
several hosts, a ``kiteline scheduler``); only the holder of the database lease runs jobs, the
others wait with their scheduler paused and take over when the leader stops renewing
(DESIGN.md §4). Scheduled pushes are idempotent too, so a hand-over mid-job sends nothing twice.

In sandbox mode (a :class:`~models.simulated_time.SimulatedClock`) the scheduler follows the
simulated clock and carries out its moves (:mod:`scheduler.simulated_time`); the lease is in
wall time either way, since it says whether a process is alive.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import weakref
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError

from models.scheduling import (
    SCHEDULER_LEASE,
    SchedulerJob,
    acquire_lease,
    release_lease,
)
from models.simulated_time import SimulatedClock, wall_clock
from scheduler.jobs import (
    Runtime,
    use_runtime,
)
from scheduler.registrations import MISFIRE_GRACE_SECONDS, register_all
from scheduler.simulated_time import Dispatch, SimulatedTimeScheduler

log = logging.getLogger(__name__)

# A leader that stops renewing (crash, lost network) is replaced after LEASE_TTL at most.
LEASE_TTL = dt.timedelta(seconds=60)
RENEW_EVERY_SECONDS = 20
# The services of this process, so a clock move asked for here can wake a leader among them.
_services: weakref.WeakSet[SchedulerService] = weakref.WeakSet()


class SchedulerService:
    """APScheduler plus the leader lease. :meth:`start` runs it in background threads (inside
    ``kiteline serve``); :meth:`run` blocks (the ``kiteline scheduler`` role). ``dispatch`` is
    how this process sends the outbox once a clock move's jobs have run (sandbox mode)."""

    def __init__(self, rt: Runtime, holder: str | None = None, dispatch: Dispatch | None = None) -> None:
        # Cron lines were checked when the settings were loaded (models.settings.LessonSchedule).
        zone = ZoneInfo(rt.settings.scheduler.timezone)
        self.rt = rt
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.is_leader = False
        self.lease_clock = wall_clock(rt.clock)
        store = SQLAlchemyJobStore(engine=rt.engine, tablename=SchedulerJob.__tablename__)
        options = dict(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1,
                                                    "misfire_grace_time": MISFIRE_GRACE_SECONDS})
        if isinstance(rt.clock, SimulatedClock):
            self.scheduler: BackgroundScheduler = SimulatedTimeScheduler(rt.clock, rt.session, store, dispatch,
                                                                         **options)
        else:
            self.scheduler = BackgroundScheduler(jobstores={"default": store}, **options)
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        _services.add(self)

    def start(self) -> None:
        """Start paused, try for the lease now, and keep trying/renewing in a daemon thread."""
        self._begin()
        self._renewer = threading.Thread(target=self._renew_until_stopped, daemon=True,
                                         name="kiteline-scheduler-lease")
        self._renewer.start()

    def run(self) -> None:
        """Block in this thread until :meth:`stop` (or Ctrl-C), then shut down."""
        self._begin()
        try:
            self._renew_until_stopped()
        except KeyboardInterrupt:
            log.info("scheduler interrupted")
        finally:
            self.shutdown()

    def stop(self) -> None:
        """Ask :meth:`run` or the renewing thread to finish (safe from a signal handler)."""
        self._stop.set()

    def shutdown(self) -> None:
        """Stop running jobs, wait for the running one, and give the lease up."""
        self._stop.set()
        if self._renewer is not None and self._renewer is not threading.current_thread():
            self._renewer.join()
        if self.scheduler.running:
            # APScheduler 3 makes one last pass over due jobs while stopping, after its
            # executors are gone: a push due that instant would be marked done without running.
            # Detached, the store keeps it due for the next leader (and our shared engine open).
            self.scheduler.pause()
            self.scheduler.remove_jobstore("default", shutdown=False)
            self.scheduler.shutdown(wait=True)
        if self.is_leader:
            with self.rt.session() as s:
                release_lease(s, SCHEDULER_LEASE, self.holder, self.lease_clock.now())
                s.commit()
            self.is_leader = False

    def tick(self) -> bool:
        """Take or renew the lease; on becoming leader register the configured jobs and resume,
        on losing it pause. Returns whether this process leads now."""
        jobs: list[str] = []
        try:
            with self.rt.session() as s:
                leader = acquire_lease(s, SCHEDULER_LEASE, self.holder, self.lease_clock.now(), LEASE_TTL)
                s.commit()
            if leader and not self.is_leader:
                jobs = register_all(self.scheduler, self.rt.settings)
        except SQLAlchemyError:
            # Database unreachable: we cannot prove we lead, so run nothing until we can.
            log.exception("scheduler lease check failed")
            leader = False
        if leader and not self.is_leader:
            self.scheduler.resume()
            log.info("scheduler %s leads; jobs: %s", self.holder, ", ".join(jobs) or "none")
        elif not leader and self.is_leader:
            self.scheduler.pause()
            log.warning("scheduler %s lost the lease; waiting", self.holder)
        elif not leader:
            log.debug("scheduler %s waits: another process leads", self.holder)
        self.is_leader = leader
        return leader

    def _begin(self) -> None:
        use_runtime(self.rt)
        self.scheduler.start(paused=True)
        if not self.tick():
            log.info("another scheduler leads; %s waits and checks every %ss",
                     self.holder, RENEW_EVERY_SECONDS)

    def _renew_until_stopped(self) -> None:
        while not self._stop.wait(RENEW_EVERY_SECONDS):
            self.tick()


def start_in_process(rt: Runtime, dispatch: Dispatch | None = None) -> SchedulerService:
    """Start the scheduler inside this process (``kiteline serve``); call ``.shutdown()`` on
    the result when the server stops."""
    service = SchedulerService(rt, dispatch=dispatch)
    service.start()
    return service


def wake_local_leaders() -> None:
    """Have the leading scheduler of this process, if any, make its next pass now (a clock move
    was just queued here)."""
    for service in list(_services):
        if service.is_leader and service.scheduler.running:
            service.scheduler.wakeup()
