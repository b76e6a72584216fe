"""``kiteline chat``: talk to a running kiteline as a WeChat follower would, from the terminal.

It plays the WeChat server: builds the XML WeChat would push, signs it with ``wechat.token``
(and encrypts it as the account's ``wechat.encryption`` asks: always in safe mode, with
``--safe`` in compatible mode), posts it to the webhook and prints the passive reply, then any
customer-service messages the sandbox delivered to this openid since. ``--host``/``--port`` name
the server when it is not where ``server.public_base_url`` says (``kiteline serve --port 9000``).
Messages are signed and dated with the server's own time (``GET /sandbox/clock``), so chatting
goes on after the sandbox's clock was moved ahead; a server without the sandbox gets the real
time, as from WeChat.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import click
import requests
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from bot.startup import load_or_exit

# How long to wait for the server; WeChat itself gives up after 5 s.
REPLY_WAIT_SECONDS = 10
# How WeChat labels what arrives outside a passive reply (sandbox channel -> name).
CHANNEL_NAMES = {"custom": "客服消息", "template": "模板消息", "mass": "群发消息"}
# What XML 1.0's Char production leaves out (C0 controls but tab, LF and CR; surrogates; U+FFFE,
# U+FFFF): WeChat's XML never carries them, so a terminal's bell or colour codes are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(openid: str, text: str | None, event: str | None, key: str | None, now: int) -> str:
    head = (f"<xml><ToUserName><![CDATA[gh_kiteline]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{now}</CreateTime>")
    key = _NOT_XML.sub("", key or "")
    if event:
        key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key else ""
        return head + f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    msg_id = secrets.randbelow(10**17) + 10**17
    # "]]>" inside the text would end the CDATA section early; split it as WeChat does.
    content = _NOT_XML.sub("", text or "").replace("]]>", "]]]]><![CDATA[>")
    return head + (f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
                   f"<MsgId>{msg_id}</MsgId></xml>")


def _location_xml(openid: str, location: str, now: int) -> str:
    """A location message as WeChat pushes it when a follower sends 位置: ``location`` is
    ``LAT,LON[,LABEL]`` (GCJ-02 decimal degrees, as WeChat gives them). Raises
    ``click.BadParameter`` for anything else."""
    lat, _, rest = location.partition(",")
    lon, _, label = rest.partition(",")
    try:
        lat_value, lon_value = float(lat), float(lon)
    except ValueError:
        raise click.BadParameter("write LAT,LON[,LABEL], e.g. 22.54,114.05,广东省深圳市福田区", param_hint="--location")
    label = _NOT_XML.sub("", label).replace("]]>", "]]]]><![CDATA[>")
    return (f"<xml><ToUserName><![CDATA[gh_kiteline]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[location]]></MsgType>"
            f"<Location_X>{lat_value}</Location_X><Location_Y>{lon_value}</Location_Y><Scale>15</Scale>"
            f"<Label><![CDATA[{label}]]></Label><MsgId>{secrets.randbelow(10**17) + 10**17}</MsgId></xml>")


def _post(settings, server: "Server", openid: str, xml: str, safe: bool, now: int) -> str:
    wx = settings.wechat
    ts, nonce = str(now), secrets.token_hex(5)
    params = {"timestamp": ts, "nonce": nonce, "openid": openid,
              "signature": hashlib.sha1("".join(sorted([wx.token, ts, nonce])).encode()).hexdigest()}
    crypto = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id) if safe else None
    if crypto:
        xml = crypto.encrypt_message(xml, nonce, ts)
        params.update(encrypt_type="aes", msg_signature=parse_message_signature(xml))
    resp = _call("post", server, wx.webhook_path, params=params, data=xml.encode("utf-8"))
    if resp.status_code != 200:
        raise click.ClickException(f"服务器拒绝了这条消息：HTTP {resp.status_code} {resp.text}")
    body = resp.text
    if body == "success":
        return "(没有被动回复)"
    if crypto:
        body = crypto.decrypt_message(body, parse_message_signature(body), ts, nonce) \
            if "<Encrypt>" in body else body
    reply = parse_message(body)
    return getattr(reply, "content", None) or body


def parse_message_signature(encrypted_xml: str) -> str:
    """The ``MsgSignature`` element of an encrypted envelope."""
    start = encrypted_xml.index("<MsgSignature><![CDATA[") + len("<MsgSignature><![CDATA[")
    return encrypted_xml[start:encrypted_xml.index("]]>", start)]


def _server_epoch(server: "Server") -> int:
    """The server's now in seconds since the epoch: the sandbox's clock, which may run ahead of
    the wall clock; the wall clock when the server has no sandbox."""
    resp = _call("get", server, "/sandbox/clock")
    epoch = (resp.json() or {}).get("epoch") if resp.status_code == 200 else None
    return epoch if isinstance(epoch, int) else int(time.time())


def _sandbox_inbox(server: "Server", openid: str) -> list[dict]:
    resp = _call("get", server, f"/sandbox/messages/{openid}")
    return resp.json() if resp.status_code == 200 else []


@dataclass(frozen=True)
class Server:
    """Where the running kiteline is: ``base`` (``http://127.0.0.1:8080``) and its webhook path."""

    base: str
    webhook_path: str


def _call(method: str, server: Server, path: str, **kwargs) -> requests.Response:
    """One request to ``server``; a server that cannot be reached or does not answer is a
    one-line message naming its webhook address and what to try."""
    webhook = server.base + server.webhook_path
    try:
        return requests.request(method, server.base + path, timeout=REPLY_WAIT_SECONDS, **kwargs)
    except requests.Timeout as exc:
        raise click.ClickException(
            f"kiteline（{webhook}）{REPLY_WAIT_SECONDS} 秒内没有回答（WeChat 只等 5 秒）。请看 kiteline "
            "serve 的终端有没有报错；如果你要找的服务开在别的端口，请加 --port。") from exc
    except requests.RequestException as exc:
        raise click.ClickException(
            f"连不上 kiteline（{webhook}）。如果 kiteline serve 还没运行，请先在另一个终端运行它；如果它"
            "开在别的地址或端口（kiteline serve --port 9000），请给 chat 加上同样的 --host / --port。") from exc


def _server(settings, host: str | None, port: int | None) -> Server:
    """Where the server listens: ``server.public_base_url``, or ``--host``/``--port``."""
    path = settings.wechat.webhook_path
    if host is None and port is None:
        return Server(settings.server.public_base_url.rstrip("/"), path)
    host = host or settings.server.host
    host = f"[{host}]" if ":" in host else host
    return Server(f"http://{host}:{port or settings.server.port}", path)


def _typed_lines():
    click.echo("输入消息后回车发送；空行或 Ctrl-D 结束。")
    while True:
        try:
            line = input("您> ")
        except EOFError:
            return
        if not line.strip():
            return
        yield line


@click.command("chat")
@click.option("--openid", default="oKite_demo_0001", show_default=True, help="Who is talking.")
@click.option("--host", default=None, help="The server's address (default: server.host).")
@click.option("--port", type=int, default=None, help="The server's port (default: server.port).")
@click.option("--safe", is_flag=True,
              help="Encrypt like WeChat's safe mode (needs encoding_aes_key; always on with encryption: safe).")
@click.option("--event", default=None, help="Send an event instead of text: subscribe, SCAN, CLICK …")
@click.option("--key", default=None, help="EventKey for --event (e.g. bind_7Q2K9X, STUDY_TODAY).")
@click.option("--location", default=None, help="Send a location instead of text: LAT,LON[,LABEL].")
@click.argument("text", required=False)
@click.pass_context
def chat(ctx: click.Context, openid: str, host: str | None, port: int | None, safe: bool,
         event: str | None, key: str | None, location: str | None, text: str | None) -> None:
    """Send TEXT (or an --event, or a --location) to the running bot — an empty TEXT ("") too, as
    WeChat would push it; without TEXT, chat line by line."""
    settings = load_or_exit(ctx.obj["config"])
    if safe and not settings.wechat.encoding_aes_key:
        raise click.UsageError("--safe needs wechat.encoding_aes_key in the configuration")
    safe = safe or settings.wechat.encryption == "safe"
    server = _server(settings, host, port)
    seen = len(_sandbox_inbox(server, openid))
    for line in [text] if (text is not None or event or location) else _typed_lines():
        now = _server_epoch(server)
        xml = _location_xml(openid, location, now) if location else _xml(openid, line, event, key, now)
        click.echo("公众号> " + _post(settings, server, openid, xml, safe, now))
        inbox = _sandbox_inbox(server, openid)
        for item in inbox[seen:]:
            click.echo(f"[{CHANNEL_NAMES.get(item['channel'], item['channel'])}] {item['text']}")
        seen = len(inbox)
