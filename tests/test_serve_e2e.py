"""``kiteline serve --demo`` as a real process on a real port, talked to as the WeChat server
talks to it: URL verification, signed plain and safe-mode messages, the sandbox's record."""
from __future__ import annotations

import hashlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from bot.chat_cli import parse_message_signature
from tests.conftest import CONFIG_FILE

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TOKEN = "kiteline"
APP_ID = "wxkiteline0sandbox"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Return once the server at ``base`` answers; fail the test with its output if it never
    does (the process is killed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/sandbox/messages/nobody", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail(f"{proc.args[1:]} did not start: " + proc.communicate()[0][-2000:])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The README's first command (without the install), in an empty folder of its own."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "KITELINE_CONFIG": str(CONFIG_FILE), "KITELINE_SERVER__PORT": str(port),
           "KITELINE_WECHAT__ENCODING_AES_KEY": AES_KEY, "KITELINE_WECHAT__ENCRYPTION": "compatible"}
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import run; run()", "serve", "--demo"],
                            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, proc)
    yield base, folder
    proc.terminate()
    proc.wait(timeout=20)


def signed(nonce: str | None = None) -> dict:
    ts = str(int(time.time()))
    nonce = nonce or secrets.token_hex(5)
    return {"timestamp": ts, "nonce": nonce,
            "signature": hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()}


def text_xml(openid: str, text: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def say(base: str, openid: str, text: str, msg_id: int) -> str:
    resp = requests.post(base + "/wechat", params={**signed(), "openid": openid},
                         data=text_xml(openid, text, msg_id).encode(), timeout=10)
    assert resp.status_code == 200
    return parse_message(resp.text).content


def test_database_lives_under_var_of_the_working_folder(server):
    _, folder = server
    assert (Path(folder) / "var" / "kiteline.db").exists()


def test_url_verification_echoes(server):
    base, _ = server
    resp = requests.get(base + "/wechat", params={**signed(), "echostr": "4375120948345356249"}, timeout=10)
    assert (resp.status_code, resp.text) == (200, "4375120948345356249")


def test_a_member_binds_asks_for_help_and_the_liaison_is_notified(server):
    base, _ = server
    assert say(base, "oKite_e2e_0001", "绑定 张某明 13800001234", 9001).startswith("绑定成功！张某明您好")
    assert say(base, "oKite_e2e_0001", "求助 老板拖欠了三个月工资", 9002).startswith("已收到您的求助（欠薪）")
    deadline = time.monotonic() + 15
    inbox: list = []
    while not inbox and time.monotonic() < deadline:
        inbox = requests.get(base + "/sandbox/messages/oKite_liaison_0001", timeout=5).json()
        time.sleep(0.2)
    assert [(m["channel"], m["body"]["data"]["thing1"]["value"]) for m in inbox] == [("template", "张某明求助欠薪")]


def test_a_retry_gets_the_same_reply(server):
    base, _ = server
    first = say(base, "oKite_e2e_0002", "菜单", 9101)
    assert say(base, "oKite_e2e_0002", "菜单", 9101) == first


def test_a_forged_signature_is_refused(server):
    base, _ = server
    params = {**signed(), "signature": "0" * 40, "openid": "oKite_e2e_0003"}
    resp = requests.post(base + "/wechat", params=params, data=text_xml("oKite_e2e_0003", "菜单", 9201).encode(),
                         timeout=10)
    assert resp.status_code == 403


def test_safe_mode_message_gets_an_encrypted_reply(server):
    base, _ = server
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    query = signed("safe1")
    envelope = crypto.encrypt_message(text_xml("oKite_e2e_0004", "菜单", 9301), query["nonce"], query["timestamp"])
    msg_signature = parse_message_signature(envelope)
    resp = requests.post(base + "/wechat", params={**query, "encrypt_type": "aes", "msg_signature": msg_signature,
                                                  "openid": "oKite_e2e_0004"}, data=envelope.encode(), timeout=10)
    assert resp.status_code == 200 and "<Encrypt>" in resp.text
    reply = crypto.decrypt_message(resp.text, parse_message_signature(resp.text), query["timestamp"], query["nonce"])
    assert "流动党员服务助手" in parse_message(reply).content
