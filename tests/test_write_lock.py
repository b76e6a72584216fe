"""SQLite writers take turns through our lock, not SQLite's busy-wait: a second writer — another
thread, or another process on the same file — waits for the first one's commit and then goes on;
readers never wait. Threads synchronise on events; one pause lets a child process queue up."""
from __future__ import annotations

import fcntl
import multiprocessing as mp
import os
import threading
import time

import pytest
from sqlalchemy import text

from models.db import make_engine
from models.write_lock import lock_for

WAIT = 20  # seconds; only reached if the code under test deadlocks


def _engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return engine


def test_a_second_writer_waits_for_the_first_ones_commit_and_readers_do_not(tmp_path):
    engine = _engine(tmp_path)
    first_wrote, second_started, second_done = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def second():
        second_started.set()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        second_done.set()

    with engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        first_wrote.set()
        worker = threading.Thread(target=second)
        worker.start()
        assert second_started.wait(WAIT)
        assert not second_done.wait(0.3)  # queued behind the first writer
        with engine.connect() as reader:  # a reader goes on meanwhile
            seen.append(reader.scalar(text("SELECT count(*) FROM t")))
        conn.commit()
    assert second_done.wait(WAIT)
    worker.join(WAIT)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 2
    assert seen == [0]
    engine.dispose()


def test_a_rolled_back_writer_lets_the_next_one_in(tmp_path):
    engine = _engine(tmp_path)
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.rollback()
    done = threading.Event()

    def writer():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=writer).start()
    assert done.wait(WAIT)
    engine.dispose()


def _write_in_child(url: str, started) -> None:
    engine = make_engine(url)
    started.set()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (3)"))
    engine.dispose()


def test_another_process_waits_its_turn_on_the_file_lock(tmp_path):
    engine = _engine(tmp_path)
    ctx = mp.get_context("spawn")
    started = ctx.Event()
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        # the writer holds the lock file: another process cannot take it now
        fd = os.open(tmp_path / "w.db.write-lock", os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
        child = ctx.Process(target=_write_in_child, args=(str(engine.url), started))
        child.start()
        assert started.wait(WAIT)
        time.sleep(0.3)  # the child is queued now: it must still be waiting, not failed
        assert child.is_alive()
        conn.commit()
    child.join(WAIT)
    assert child.exitcode == 0
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 2
    assert lock_for(str(tmp_path / "w.db"))._holder is None
    engine.dispose()
