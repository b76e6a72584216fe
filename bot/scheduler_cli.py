"""``kiteline scheduler``: the scheduler alone, for deployments with several processes.

Run one or more (on different hosts for fail-over): the database lease lets one lead and the
others wait (DESIGN.md §4). Web processes then run ``kiteline serve --no-scheduler``.
"""
from __future__ import annotations

import signal

import click

from bot.simulated_time import outbox_round
from bot.startup import runtime_from
from bot.wechat_api import in_process_sandbox
from scheduler.service import SchedulerService


@click.command("scheduler")
@click.pass_context
def scheduler_role(ctx: click.Context) -> None:
    """Run scheduled jobs (lesson pushes) until stopped; a second copy waits as a stand-by."""
    rt = runtime_from(ctx)
    # In sandbox mode this process carries out clock moves and sends the outbox after each.
    service = SchedulerService(rt, dispatch=outbox_round(rt, in_process_sandbox(rt)))
    # systemd / docker stop send SIGTERM, a terminal Ctrl-C: finish the running job and hand the
    # lease over. SIGINT is installed too: a process started in a script's background inherits
    # it ignored, and Python would leave it so.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: service.stop())
    schedules = ", ".join(s.id for s in rt.settings.scheduler.lesson_schedules) or "无"
    click.echo(f"kiteline 定时任务已启动（{rt.settings.scheduler.timezone}，学习推送：{schedules}），"
               "按 Ctrl-C 停止。")
    service.run()
