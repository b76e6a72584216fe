"""Running the dispatcher: ``kiteline serve``'s thread and ``kiteline dispatcher [--once]``.

Everything about delivery — the queue, the window, the channel, a round of sends, error codes,
guarantees — is :mod:`models.delivery`'s. This module builds what a round needs from the
runtime (a WeChat API client per worker as the :class:`~models.delivery.sender.Sender`, the
pace from ``delivery`` settings, the :func:`reactions` and :func:`refreshers` of other domains)
and runs rounds.
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections import Counter

import click

from bot.runtime import Runtime
from bot.signals import inbound_answered
from bot.startup import runtime_from
from bot.wechat_api import in_process_sandbox, wechat_client
from models import study, tickets
from models.delivery.calls import SenderFactory
from models.delivery.dispatcher import Dispatch, Pace
from models.delivery.events import Reactions, Settled, for_member
from models.delivery.payloads import LessonPush, Text
from models.delivery.pool import drain, holding
from models.delivery.refresh import Refreshers
from models.delivery.sender import Sender
from models.verification.asks import ask_delivered, is_ask

log = logging.getLogger(__name__)

# Outcomes as an operator reads them, in the order ``--once`` prints them.
OUTCOME_NAMES = {"sent": "已发送", "deferred": "暂缓", "dropped": "未送达", "failed": "失败",
                 "unknown": "结果未知", "retry": "稍后重试"}


def reactions() -> Reactions:
    """What other domains do when a delivery settles: a pushed lesson WeChat accepted becomes
    the member's study record; a verification question that reached the member (or may have)
    can be answered from then on. Each says when it applies, so a batch that none applies to
    (a push to followers who are no members) costs no savepoint."""
    return (Reactions().on(LessonPush, Settled.SENT, study.lesson_delivered, when=for_member)
            .on(Text, Settled.SENT, ask_delivered, when=is_ask)
            .on(Text, Settled.UNKNOWN, ask_delivered, when=is_ask))


def refreshers() -> Refreshers:
    """Whose messages are rendered again just before they are sent: the notice of a new ticket
    to its liaison, or to the secretary standing in, carries the member's details as they are
    then (a phone changed since it was queued)."""
    return (Refreshers().on("liaison_notice", tickets.refreshed_liaison_notice)
            .on(tickets.STANDIN_PURPOSE, tickets.refreshed_standin_notice))


def dispatch_of(rt: Runtime) -> Dispatch:
    """What a round needs, from ``rt``: its sessions, clock, ``delivery`` settings, reactions
    and refreshers."""
    pace = rt.settings.delivery
    return Dispatch(rt.session, rt.clock, Pace(pace.concurrency, pace.rate_per_second,
                                               dt.timedelta(seconds=pace.retry_backoff_seconds)),
                    reactions(), refreshers())


def dispatch_due(rt: Runtime, client: Sender | None = None, *,
                 new_client: SenderFactory | None = None) -> int:
    """Send every outbox row due now; returns how many were sent (see :func:`send_due`).

    ``client`` (shared by the workers: tests pass ``wechat_client(rt, app)`` to reach the
    sandbox in-process) or ``new_client`` (one client per worker) default to a client per
    worker on ``wechat.api_base_url``."""
    return send_due(rt, client, new_client=new_client)["sent"]


def send_due(rt: Runtime, client: Sender | None = None, *,
             new_client: SenderFactory | None = None) -> Counter:
    """One round until nothing due is left to claim; returns how many rows ended each way
    (keys of :data:`OUTCOME_NAMES`, and ``error`` for a row whose outcome could not be
    recorded)."""
    if new_client is None:
        new_client = (lambda: client) if client is not None else (lambda: wechat_client(rt))
    with holding() as holder:
        return drain(dispatch_of(rt), new_client, holder)


def run_dispatcher(rt: Runtime, new_client: SenderFactory, stop: threading.Event,
                   interval_seconds: float, wake: threading.Event | None = None) -> None:
    """Dispatch until ``stop`` is set: a round, then wait ``interval_seconds`` or until
    ``wake`` is set. The first round recovers what a previous run of this dispatcher left. A
    failing round is logged and the next one runs."""
    wake, dispatch = wake or stop, dispatch_of(rt)
    with holding() as holder:
        while not stop.is_set():
            try:
                drain(dispatch, new_client, holder, stop)
            except Exception:  # one bad round (database hiccup) must not end the loop
                log.exception("dispatch round failed")
            wake.wait(interval_seconds)
            if wake is not stop:
                wake.clear()


class DispatcherThread:
    """The in-process dispatcher of ``kiteline serve``: a daemon thread running
    :func:`run_dispatcher` with ``new_client`` making each worker's API client;
    :meth:`shutdown` stops it."""

    def __init__(self, rt: Runtime, new_client: SenderFactory) -> None:
        self.stop = threading.Event()
        self.wake = threading.Event()
        # A call under way may take the connect and the read timeout before the thread stops.
        self.join_seconds = 2 * rt.settings.wechat.api_timeout_seconds + 5
        # A message just answered may have queued deliveries or released deferred ones: send
        # them now rather than at the next poll.
        inbound_answered.connect(self._on_answered, sender=rt)
        self.thread = threading.Thread(
            target=run_dispatcher, name="kiteline-dispatcher", daemon=True,
            args=(rt, new_client, self.stop, rt.settings.scheduler.dispatch_interval_seconds, self.wake))
        self.thread.start()

    def _on_answered(self, _rt: Runtime, **_kw) -> None:
        self.wake.set()

    def shutdown(self) -> None:
        self.stop.set()
        self.wake.set()
        inbound_answered.disconnect(self._on_answered)
        self.thread.join(timeout=self.join_seconds)


def summary(outcomes: Counter) -> str:
    """``--once``'s last line: how the round's rows ended, in Chinese."""
    parts = "，".join(f"{name} {outcomes[key]} 条" for key, name in OUTCOME_NAMES.items())
    errors = f"；{outcomes['error']} 条出错，见日志" if outcomes["error"] else ""
    return f"本次发送完毕：{parts}{errors}。"


@click.command("dispatcher")
@click.option("--once", is_flag=True, help="Send everything due now, then exit.")
@click.pass_context
def dispatcher_command(ctx: click.Context, once: bool) -> None:
    """Send outbox messages (a separate role for multi-process deployments)."""
    rt = runtime_from(ctx)
    app = in_process_sandbox(rt)
    new_client = lambda: wechat_client(rt, app)  # noqa: E731  (one per worker thread)
    if once:
        click.echo(summary(send_due(rt, new_client=new_client)))
        return
    stop = threading.Event()
    # Ctrl-C, systemd and docker stop (SIGTERM) end the loop after the sends under way have
    # settled, so no row is left claimed. Installed for SIGINT too: a process started in a
    # script's background inherits SIGINT ignored, and Python would leave it so.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    interval = rt.settings.scheduler.dispatch_interval_seconds
    click.echo(f"发送进程已启动，每 {interval} 秒检查一次待发消息，同时发送 "
               f"{rt.settings.delivery.concurrency} 条（Ctrl+C 停止）。")
    run_dispatcher(rt, new_client, stop, interval)
    click.echo("发送进程已停止。")
