"""``kiteline serve``: the main job on one machine — webhook, sandbox, scheduler, dispatcher."""
from __future__ import annotations

import os
import signal

import click
from waitress import serve as waitress_serve

from bot.app import create_app
from bot.demo import load_demo
from bot.dispatcher import DispatcherThread
from bot.sandbox import Pusher
from bot.simulated_time import outbox_round
from bot.startup import load_or_exit, migrate_or_exit, runtime_or_exit
from bot.wechat_api import wechat_client
from scheduler.service import start_in_process


@click.command()
@click.option("--host", default=None, help="Listen address (default: server.host).")
@click.option("--port", type=int, default=None, help="Listen port (default: server.port).")
@click.option("--demo", is_flag=True, help="Load the demo district into an empty database.")
@click.option("--no-scheduler", is_flag=True, help="Web role only: no scheduler or dispatcher here.")
@click.option("--threads", type=int, default=8, show_default=True, help="Request worker threads.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, demo: bool, no_scheduler: bool,
          threads: int) -> None:
    """Run the webhook (and, by default, the scheduler and dispatcher in-process)."""
    env = dict(os.environ)
    if host:
        env["KITELINE_SERVER__HOST"] = host
    if port:
        env["KITELINE_SERVER__PORT"] = str(port)
    settings = load_or_exit(ctx.obj["config"], env)
    rt = runtime_or_exit(settings)
    migrate_or_exit(rt)
    if demo:
        click.echo(load_demo(rt))
    app = create_app(settings, runtime=rt)
    services = dispatcher = pusher = None
    previous = signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    # Ctrl-C stops serve even when it was started in a script's background, which hands it
    # SIGINT ignored (Python then installs no KeyboardInterrupt of its own).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        # In sandbox mode a clock move carried out here sends the outbox through this app's sandbox.
        if not no_scheduler and settings.scheduler.enabled:
            services = start_in_process(rt, dispatch=outbox_round(rt, app))
        # The in-process dispatcher reaches the embedded sandbox without a socket; with real
        # credentials it calls wechat.api_base_url.
        dispatcher = None if no_scheduler else DispatcherThread(rt, lambda: wechat_client(rt, app))
        # The sandbox reports finished mass sends to this webhook, as WeChat would.
        pusher = Pusher(app) if settings.wechat.sandbox else None
        s = settings.server
        click.echo(
            f"kiteline 已启动：{s.public_base_url}{settings.wechat.webhook_path}"
            f"（{'沙箱模式' if settings.wechat.sandbox else '正式模式'}，"
            f"{'明文、兼容、安全模式均可' if settings.wechat.encoding_aes_key else '明文模式（未配置 EncodingAESKey）'}，数据库 "
            f"{rt.engine.url.render_as_string(hide_password=True)}）"
        )
        # Returns once stopped (Ctrl-C or SIGTERM), after the requests under way are answered.
        waitress_serve(app, host=s.host, port=s.port, threads=threads, ident="kiteline")
    finally:
        # The scheduler finishes its running job and releases its lease (so the next serve leads
        # at its first try, not after the lease expires); the dispatcher finishes its sends.
        if services is not None:
            services.shutdown()
        if dispatcher is not None:
            dispatcher.shutdown()
        if pusher is not None:
            pusher.shutdown()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _stop_like_ctrl_c(_signum: int, _frame: object) -> None:
    """SIGTERM handler (systemd, ``docker stop``): leave ``serve`` as Ctrl-C does, with exit 0.

    Without it SIGTERM ends the process at once and the scheduler lease stays held until it
    expires. Waitress catches the ``SystemExit`` and waits for the requests under way; the
    ``finally`` in :func:`serve` then stops the threads and releases the lease."""
    # A second SIGTERM while shutting down must not cut the hand-over short (kill -9 still can).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(0)
