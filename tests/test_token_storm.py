"""The access_token across its expiry, in several processes sharing one database (issue 8).

WeChat's ``stable_token`` in normal mode hands back the same token until it expires, with
``expires_in`` the time left. Four workers — each with its own app, engine and client, as web
workers, the scheduler and a dispatcher would be — call the API in lockstep rounds while the
shared clock walks through each token's last minute. The sandbox's own count (``GET
/sandbox/stats``) must show one ``stable_token`` fetch per token and no call refused for an
expired (42001) or rotated-out (40001) token.

Threads with separate engines share nothing but the database and the clock, as processes do;
the ``processes`` runs fork real ones (SQLite file locks, separate PostgreSQL sessions).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import threading

import pytest
from requests import RequestException
from sqlalchemy import delete
from wechatpy.exceptions import WeChatClientException

from bot.app import create_app
from bot.sandbox import account
from bot.sandbox import state as sandbox_state
from bot.wechat_api import menu_body, wechat_client
from models.token import TokenRefreshTimeout

pytestmark = pytest.mark.postgres

WORKERS = 4
ROUND_TIMEOUT_SECONDS = 30
FORK = multiprocessing.get_context("fork")


class SharedClock:
    """A clock all forked workers read and the test moves: epoch seconds in shared memory."""

    def __init__(self, start: dt.datetime) -> None:
        self.epoch = FORK.Value("d", start.timestamp(), lock=False)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch.value, dt.timezone.utc)

    def set(self, instant: dt.datetime) -> None:
        self.epoch.value = instant.timestamp()


def across_expiries(lifetime: int, expiries: int) -> list[int]:
    """Round offsets in seconds: the start, then through each token's last minute (every 5 s,
    then every second over its last 4 and the moment it expires) and one second past it."""
    offsets = [0]
    for k in range(1, expiries + 1):
        end = k * lifetime
        for offset in [end - 60 + 5 * i for i in range(12)] + list(range(end - 4, end + 2)):
            if offset > offsets[-1]:
                offsets.append(offset)
    return offsets


def work(settings, clock, barrier, rounds: int, outcomes) -> None:
    """One worker's life: its own app and client, one API call in every round."""
    app = create_app(settings, clock=clock)
    client = wechat_client(app.extensions["kiteline"], app)
    problems = []
    try:
        for _ in range(rounds):
            barrier.wait(ROUND_TIMEOUT_SECONDS)
            try:
                client.menu.get()
            except (WeChatClientException, RequestException, TokenRefreshTimeout) as exc:
                problems.append(repr(exc))
            barrier.wait(ROUND_TIMEOUT_SECONDS)
    finally:
        outcomes.put(problems)
        app.extensions["kiteline"].engine.dispose()


def run(settings, clock, start: dt.datetime, offsets: list[int], *, processes: bool) -> list[str]:
    """Drive ``WORKERS`` workers through one round per offset; returns what went wrong."""
    sync = FORK if processes else threading
    barrier = sync.Barrier(WORKERS + 1)
    outcomes = FORK.Queue() if processes else queue.Queue()
    spawn = FORK.Process if processes else threading.Thread
    workers = [spawn(target=work, args=(settings, clock, barrier, len(offsets), outcomes))
               for _ in range(WORKERS)]
    for w in workers:
        w.start()
    try:
        for offset in offsets:
            clock.set(start + dt.timedelta(seconds=offset))
            barrier.wait(ROUND_TIMEOUT_SECONDS)  # the round begins
            barrier.wait(ROUND_TIMEOUT_SECONDS)  # every worker made its call
    finally:
        problems = [p for _ in workers for p in outcomes.get(timeout=ROUND_TIMEOUT_SECONDS)]
        for w in workers:
            w.join(ROUND_TIMEOUT_SECONDS)
    return problems


@pytest.fixture
def menu_exists(runtime, settings, clock):
    """The account has a menu, so ``menu/get`` is accepted."""
    with runtime.engine.begin() as conn:
        conn.execute(delete(sandbox_state.menus))
        account.create_menu(conn, menu_body(settings), clock.now())


@pytest.fixture
def token_lifetime(monkeypatch):
    """Give sandbox tokens a shorter life (test-only: no config key reaches this)."""
    return lambda seconds: monkeypatch.setattr(sandbox_state, "TOKEN_LIFETIME",
                                               dt.timedelta(seconds=seconds))


def stats(app) -> dict:
    return app.test_client().get("/sandbox/stats").get_json()


class StepClock:
    """The test's ``ManualClock`` with ``set``, shared by the worker threads."""

    def __init__(self, manual) -> None:
        self.manual = manual

    def now(self) -> dt.datetime:
        return self.manual.now()

    def set(self, instant: dt.datetime) -> None:
        self.manual.current = instant


@pytest.mark.parametrize("renews_early", [False, True], ids=["same-until-expiry", "renews-early"])
def test_four_workers_fetch_the_token_once_per_expiry(app, settings, clock, menu_exists,
                                                      monkeypatch, renews_early):
    if renews_early:  # the live platform: a new token in the last 5 minutes, the old one kept
        monkeypatch.setattr(sandbox_state, "STABLE_RENEW_WITHIN", dt.timedelta(minutes=5))
    offsets = across_expiries(7200, expiries=2)
    problems = run(settings, StepClock(clock), clock.now(), offsets, processes=False)
    assert problems == []
    assert stats(app) == {
        "stable_token": {"accepted": 3, "refused": {}},  # the first token and one per expiry
        "menu/get": {"accepted": WORKERS * len(offsets), "refused": {}},
    }


def test_four_processes_fetch_the_token_once_per_expiry(app, settings, clock, menu_exists,
                                                        token_lifetime):
    token_lifetime(30)
    offsets = across_expiries(30, expiries=2)
    problems = run(settings, SharedClock(clock.now()), clock.now(), offsets, processes=True)
    assert problems == []
    assert stats(app) == {
        "stable_token": {"accepted": 3, "refused": {}},
        "menu/get": {"accepted": WORKERS * len(offsets), "refused": {}},
    }
