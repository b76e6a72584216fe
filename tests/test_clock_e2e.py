"""The sandbox's clock moved on a real ``kiteline serve --demo``, with a second web process
(``serve --no-scheduler``) on the same database, as a trainer would show a day in a minute."""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import secrets
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from wechatpy import parse_message

from bot.runtime import build_runtime
from models.settings import load_settings
from tests.conftest import CONFIG_FILE
from tests.test_serve_e2e import free_port, wait_until_serving

TOKEN = "kiteline"
OPENID = "oKite_e2e_clock"
BEIJING = ZoneInfo("Asia/Shanghai")
_msg_ids = itertools.count(9_700_001)


def _start(folder, *args: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE), "KITELINE_SERVER__PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import run; run()", "serve", *args],
                            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, proc)
    return base, proc


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """``serve --demo`` (web, scheduler, dispatcher) and ``serve --no-scheduler`` (web only) in
    one folder, so on one SQLite database."""
    folder = tmp_path_factory.mktemp("clock")
    main, first = _start(folder, "--demo")
    web, second = _start(folder, "--no-scheduler")
    yield main, web, folder
    for proc in (first, second):
        proc.terminate()
        proc.wait(timeout=20)


def say(base: str, text: str, timestamp: int) -> requests.Response:
    ts, nonce = str(timestamp), secrets.token_hex(5)
    signature = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
    xml = (f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
           f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{text}]]></Content><MsgId>{next(_msg_ids)}</MsgId></xml>")
    return requests.post(base + "/wechat", params={"timestamp": ts, "nonce": nonce, "signature": signature,
                                                   "openid": OPENID}, data=xml.encode(), timeout=10)


def now_of(base: str) -> dict:
    return requests.get(base + "/sandbox/clock", timeout=10).json()


def move(base: str, body: dict) -> dict:
    resp = requests.post(base + "/sandbox/clock", json=body, timeout=120)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_day_in_a_minute_on_two_processes(servers):
    main, web, folder = servers
    start = dt.datetime.fromisoformat(now_of(main)["now"])
    # 08:00 Beijing time, two days on: the morning lesson (08:30) is an hour away.
    eight = (start + dt.timedelta(days=2)).replace(hour=8, minute=0, second=0, microsecond=0)
    move(main, {"set": eight.isoformat()})
    epoch = now_of(main)["epoch"]
    reply = say(main, "绑定 张某明 13800001234", epoch)
    assert reply.status_code == 200 and "张某明" in parse_message(reply.text).content

    # The web process has no scheduler: the move is handed to the leader in the other process.
    report = move(web, {"advance_seconds": 3600})

    assert [(r["job"], r["at"]) for r in report["ran"]] == [
        ("lesson_push:morning_lesson", eight.replace(minute=30).isoformat()),
        ("meeting_reminders", eight.replace(hour=9).isoformat()),
        ("ticket_escalation", eight.replace(hour=9).isoformat()),
        ("verification_round", eight.replace(hour=9).isoformat())]
    lessons = requests.get(f"{main}/sandbox/messages/{OPENID}", timeout=10).json()
    assert [m["channel"] for m in lessons] == ["custom"]
    # Nothing runs twice: in ten minutes only the checks for meeting reminders and late tickets
    # come round again.
    assert [r["job"] for r in move(main, {"advance_seconds": 600})["ran"]] == ["meeting_reminders",
                                                                              "ticket_escalation"]
    assert len(requests.get(f"{main}/sandbox/messages/{OPENID}", timeout=10).json()) == 1

    # Both processes, and a third reading the database, tell the same time.
    first, second = now_of(main), now_of(web)
    assert abs(first["epoch"] - second["epoch"]) <= 2
    assert abs(first["epoch"] - (eight + dt.timedelta(minutes=70)).timestamp()) <= 30
    settings = load_settings(CONFIG_FILE, env={"KITELINE_DATABASE__URL": f"sqlite:///{folder}/var/kiteline.db"})
    third = build_runtime(settings)
    try:
        assert abs(third.clock.now().timestamp() - first["epoch"]) <= 2
    finally:
        third.engine.dispose()

    # A message signed by the wall clock is two days late; one signed with the epoch is answered.
    assert say(web, "菜单", int(dt.datetime.now(dt.timezone.utc).timestamp())).status_code == 403
    assert say(web, "菜单", now_of(web)["epoch"]).status_code == 200


def say_as(base: str, openid: str, text: str) -> str:
    """``openid`` sends ``text`` signed with the sandbox's epoch; returns the reply's text."""
    ts, nonce = str(now_of(base)["epoch"]), secrets.token_hex(5)
    signature = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
    xml = (f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{text}]]></Content><MsgId>{next(_msg_ids)}</MsgId></xml>")
    resp = requests.post(base + "/wechat", params={"timestamp": ts, "nonce": nonce, "signature": signature,
                                                   "openid": openid}, data=xml.encode(), timeout=10)
    assert resp.status_code == 200, resp.text
    return parse_message(resp.text).content


def told_of(base: str, openid: str, number: str, *, expect: int) -> list[dict]:
    """The escalation notices of ticket ``number`` ``openid`` received (a text naming it, or the
    escalation template, which says how late), once ``expect`` of them are there or 20 seconds
    have passed: the move's own dispatch round sends them, unless the in-process dispatcher
    took the row first and is still sending it."""
    def escalations() -> list[dict]:
        messages = requests.get(f"{base}/sandbox/messages/{openid}", timeout=10).json()
        return [m for m in messages if ("thing3" in (m["body"].get("data") or {})
                                        and m["body"]["data"]["character_string2"]["value"] == number)
                or (m["channel"] == "custom" and m["text"].startswith("【求助超时") and number in m["text"])]
    deadline = time.monotonic() + 20
    while len(found := escalations()) < expect and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_a_late_help_request_climbs_the_chain_as_the_days_are_skipped(servers):
    """The demo's first branch: 张某明 asks for help; his liaison 李某明 (bound, window closed)
    is reminded once the day is up, the branch secretary 王某明 told a day later, each once."""
    main, web, _ = servers
    liaison, secretary = "oKite_liaison_0001", "oKite_demo_secretary"
    say_as(main, OPENID, "绑定 张某明 13800001234")
    assert "王某明" in say_as(main, secretary, "绑定 王某明 13700000001")
    filed = say_as(main, OPENID, "求助 老板拖欠了三个月工资")
    number = filed.split("编号 ")[1][:12]

    report = move(web, {"advance_seconds": 24 * 3600 + 600})
    assert "ticket_escalation" in [r["job"] for r in report["ran"]]
    [reminder] = told_of(main, liaison, number, expect=1)
    assert reminder["channel"] == "template"  # 李某明's window is closed
    assert reminder["body"]["data"]["thing3"]["value"].startswith("超时")
    assert told_of(main, secretary, number, expect=0) == []

    say_as(main, secretary, "你好")  # the secretary's window is open: the whole notice comes as a text
    move(main, {"advance_seconds": 24 * 3600})
    told = told_of(main, secretary, number, expect=1)
    assert [m["channel"] for m in told] == ["custom"]
    assert told[0]["text"].startswith(f"【求助超时上报 {number}】白杨村党支部党员张某明（电话 13800001234）求助欠薪")
    assert "现由红色联络员李某明" in told[0]["text"] and f"发“接单 {number}”接手" in told[0]["text"]

    move(main, {"advance_seconds": 3 * 24 * 3600})  # no township contact in the demo: nobody more
    time.sleep(1)
    assert (len(told_of(main, secretary, number, expect=1)), len(told_of(main, liaison, number, expect=1))) == (1, 1)
