"""The long-running roles (``serve``, ``dispatcher``, ``scheduler``) stopped as systemd and
``docker stop`` stop them (SIGTERM) or as a terminal does (Ctrl-C, SIGINT), as real processes:
each exits cleanly, and one that led gives the scheduler lease up, so the next one leads at once.

Before: SIGTERM killed serve outright (the lease stayed held until it expired, and a restarted
serve ran no scheduled jobs and sent nothing for up to a minute and more); a role started in a
script's background (``cmd &``, SIGINT inherited ignored) could not be stopped by SIGINT at all."""
from __future__ import annotations

import datetime as dt
import os
import shlex
import signal
import subprocess
import sys

import pytest
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


def started_in_the_background(args: list[str], cwd, env) -> subprocess.Popen:
    """``kiteline <args>`` as a script's ``cmd &`` starts it: SIGINT ignored from the start (a
    non-interactive shell's background job), which Python then leaves ignored unless told."""
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-c", "from bot.cli import run; run()", *args])
    return subprocess.Popen(["sh", "-c", f"trap '' INT; exec {command}"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stopped_by(proc: subprocess.Popen, signum: int) -> tuple[int, str]:
    proc.send_signal(signum)
    try:
        output = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, output


def wait_for_line(proc: subprocess.Popen, start: str) -> None:
    for line in proc.stdout:
        if line.startswith(start):
            return
    raise AssertionError(f"ended before printing {start!r} (exit {proc.wait()})")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_dispatcher_stops_on_ctrl_c_or_sigterm_even_started_in_the_background(tmp_path, signum):
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE)}
    subprocess.run([sys.executable, "-c", "from bot.cli import run; run()", "db", "upgrade"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    proc = started_in_the_background(["dispatcher"], tmp_path, env)
    wait_for_line(proc, "发送进程已启动")

    code, output = stopped_by(proc, signum)

    assert code == 0 and output.strip().endswith("发送进程已停止。"), output[-2000:]


def test_serve_started_in_the_background_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE), "KITELINE_SERVER__PORT": str(port)}
    proc = started_in_the_background(["serve"], tmp_path, env)
    wait_until_serving(f"http://127.0.0.1:{port}", proc)

    code, output = stopped_by(proc, signal.SIGINT)

    assert code == 0, output[-2000:]
    assert holder_now(tmp_path / "var" / "kiteline.db") is None


def test_the_scheduler_started_in_the_background_stops_on_ctrl_c_and_gives_the_lease_up(tmp_path):
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE)}
    subprocess.run([sys.executable, "-c", "from bot.cli import run; run()", "db", "upgrade"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    proc = started_in_the_background(["scheduler"], tmp_path, env)
    wait_for_line(proc, "kiteline 定时任务已启动")

    code, output = stopped_by(proc, signal.SIGINT)

    assert code == 0, output[-2000:]
    assert holder_now(tmp_path / "var" / "kiteline.db") is None
