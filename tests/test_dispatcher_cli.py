"""``kiteline dispatcher --once`` as an operator runs it: everything due goes, and it says what
happened in Chinese."""
from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from bot.sandbox import state as sandbox_state
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import TemplateNotice
from models.delivery.queue import enqueue
from tests.conftest import CONFIG_FILE


def test_once_drains_everything_due_not_one_batch(app, runtime, db_url):
    openids = [f"oKite_member_{n:04d}" for n in range(1, 101)]
    sandbox_state.add_followers(runtime.engine, openids)  # followers WeChat knows
    now = dt.datetime.now(dt.timezone.utc)  # the command runs on the real clock
    template = TemplateNotice("TPL_NOTICE", {"first": "支部通知"})
    with runtime.session() as s:
        for n in range(500):
            enqueue(s, openid=openids[n % 100], payload=template, purpose="liaison_notice",
                    idempotency_key=f"notice:{n}", now=now)
        s.commit()

    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "dispatcher", "--once"],
                                env={"KITELINE_DATABASE__URL": db_url,
                                     "KITELINE_DELIVERY__RATE_PER_SECOND": "{template: 1000}"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "本次发送完毕：已发送 500 条，暂缓 0 条，未送达 0 条，失败 0 条，结果未知 0 条，稍后重试 0 条。"
    with runtime.session() as s:
        assert s.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 500
    with runtime.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(sandbox_state.messages)) == 500
