"""The multi-process way README shows: ``gunicorn --preload -w 2 bot.wsgi:app`` on PostgreSQL.
The master builds the app (and touches the database) before forking; each worker must start
with connections of its own, so members right after start get their answers, never the apology
or 系统正忙 (two workers sharing one inherited connection corrupt each other's traffic)."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from wechatpy import parse_message

from tests.conftest import CONFIG_FILE
from tests.test_serve_e2e import free_port, signed, text_xml, wait_until_serving

pytestmark = pytest.mark.postgres


def test_preloaded_workers_answer_from_the_first_message(db_backend, db_url, tmp_path):
    if db_backend != "postgresql":
        pytest.skip("gunicorn's workers share one database server: PostgreSQL")
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE), "KITELINE_DATABASE__URL": db_url}
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--preload", "-w", "2",
                             "--threads", "4", "-b", f"127.0.0.1:{port}", "bot.wsgi:app"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc)

        def say(n: int) -> str:
            openid = f"oKite_preload_{n:04d}"
            resp = requests.post(base + "/wechat", params={**signed(f"p{n}"), "openid": openid},
                                 data=text_xml(openid, "菜单", 7_000_000 + n).encode(), timeout=20)
            assert resp.status_code == 200
            return parse_message(resp.text).content

        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(say, range(40)))
        assert all("流动党员服务助手" in r for r in replies), [r for r in replies if "服务助手" not in r][:3]
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0]
    assert "ResourceClosedError" not in log and "OperationalError" not in log, log[-3000:]
