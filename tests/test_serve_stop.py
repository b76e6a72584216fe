"""``kiteline serve`` stopped as systemd and ``docker stop`` stop it (SIGTERM), as a real process:
it exits cleanly and gives the scheduler lease up, so the next serve leads at once.

Before the fix SIGTERM killed it outright: the lease stayed held until it expired, and a restarted
serve ran no scheduled jobs and sent nothing for up to a minute and more."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from models.scheduling import SCHEDULER_LEASE, lease_holder
from tests.conftest import CONFIG_FILE
from tests.test_serve_e2e import free_port, wait_until_serving


def holder_now(database) -> str | None:
    """Who holds the scheduler lease now, read as a third process would."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as s:
            return lease_holder(s, SCHEDULER_LEASE, dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()


def test_sigterm_stops_serve_cleanly_and_gives_the_scheduler_lease_up(tmp_path):
    port = free_port()
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE), "KITELINE_SERVER__PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import run; run()", "serve"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", proc)
        database = tmp_path / "var" / "kiteline.db"
        # serve takes the lease before it listens: it leads now.
        assert (holder_now(database) or "").split(":")[1] == str(proc.pid)

        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output[-2000:]
    assert holder_now(database) is None  # a restarted serve takes the lease at its first try
