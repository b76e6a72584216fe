"""Shared fixtures. The centre is ``chat``: a member talking to the bot through real, signed
WeChat XML posted to the Flask test client, with an injected clock (no sleeping).

Databases (``db_url``, and ``db_backend`` for a test marked ``postgres``): see
``tests/databases.py``; every test runs on SQLite, one marked ``postgres`` on PostgreSQL too.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from bot.app import create_app
from models.settings import DatabaseSettings, Settings, load_settings
from scheduler import jobs
# The database fixtures and the hook that runs a test marked postgres twice, made this
# conftest's so every test module has them; DEFAULT_POSTGRES_URL is imported from here too.
from tests.databases import (  # noqa: F401
    DEFAULT_POSTGRES_URL,
    db_backend,
    db_url,
    postgres_database,
    pytest_generate_tests,
    sqlite_template,
)

# Copies of ../shared/ (see tests/data/shared/README.md), so a clone anywhere can run the suite.
SHARED = Path(__file__).resolve().parent / "data" / "shared"
CONFIG_FILE = Path(__file__).resolve().parents[1] / "config.yaml"
# A fictional EncodingAESKey (43 base64 characters) so safe and compatible mode work in tests.
TEST_AES_KEY = "kiteLineTestEncodingAesKey0123456789abcdEFG"
MODES = ("plain", "compatible", "safe")
# A reading link in a reply (models.reading): the base address, /r/, a 27-character token.
READING_LINK = re.compile(r"https?://[^\s/]+(?:/[^\s]*?)?/r/[A-Za-z0-9_-]{27}")
START = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Shanghai


class ManualClock:
    """A clock tests move by hand: ``clock.advance(hours=25)``."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.current = start

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += dt.timedelta(**delta)


def sign(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings_env(db_url) -> dict[str, str]:
    """The ``KITELINE_*`` overrides the ``settings`` fixture applies; override to change config."""
    return {"KITELINE_DATABASE__URL": db_url, "KITELINE_WECHAT__ENCODING_AES_KEY": TEST_AES_KEY,
            "KITELINE_WECHAT__ENCRYPTION": "compatible"}


@pytest.fixture
def settings(settings_env):
    """Settings as shipped in config.yaml (sandbox mode) on a fresh database, plus an
    EncodingAESKey in compatible mode (兼容模式) so plain, compatible and safe messages all work.
    A copy of its own: tests change it."""
    env = dict(settings_env)
    url = env.pop("KITELINE_DATABASE__URL", None)
    loaded = _loaded_settings(frozenset(env.items())).model_copy(deep=True)
    if url is not None:
        loaded.database = DatabaseSettings.model_validate({**loaded.database.model_dump(), "url": url})
    return loaded


@functools.cache
def _loaded_settings(env: frozenset[tuple[str, str]]) -> Settings:
    # Reading config.yaml is ~20 ms, most of a test's setup; only the database differs from
    # test to test, so the rest is loaded once per distinct environment.
    return load_settings(CONFIG_FILE, env=dict(env))


@pytest.fixture
def app(settings, clock):
    """The app on the ``db_url`` database (already migrated), with the test clock."""
    app = create_app(settings, clock=clock)
    yield app
    app.extensions["kiteline"].engine.dispose()


@pytest.fixture
def runtime(app):
    return app.extensions["kiteline"]


@pytest.fixture
def job_runtime(runtime):
    """``runtime`` as the one scheduled jobs use (``scheduler.jobs.current_runtime``), for
    tests that run a job function directly; forgotten afterwards."""
    jobs.use_runtime(runtime)
    yield runtime
    jobs.use_runtime(None)


@pytest.fixture
def send(app, runtime):
    """Run the outbox dispatcher once against the sandbox; returns how many messages it sent."""
    from bot.dispatcher import dispatch_due
    from bot.wechat_api import wechat_client

    client = wechat_client(runtime, app)
    return lambda: dispatch_due(runtime, client=client)


def impatient_client(runtime, app, seconds: float):
    """A sandbox API client that gives up after ``seconds``, with the token already fetched at
    the configured timeout: only the call under test can run out of time, never the token fetch
    on a loaded machine."""
    from bot.wechat_api import wechat_client

    wx = runtime.settings.wechat
    wechat_client(runtime, app).access_token  # noqa: B018  (fetched patiently, kept in the store)
    patient, wx.api_timeout_seconds = wx.api_timeout_seconds, seconds
    try:
        return wechat_client(runtime, app)
    finally:
        wx.api_timeout_seconds = patient


@pytest.fixture
def session(runtime):
    with runtime.session() as s:
        yield s


class Chat:
    """One follower (``openid``) talking to the bot. Each call posts one signed message and
    returns what the member sees: the reply text, or ``None`` for ``success``.

    ``mode`` is how the account is set up in the WeChat console: ``plain`` (明文), ``compatible``
    (兼容: plain fields and ``Encrypt`` side by side) or ``safe`` (安全: ``Encrypt`` only). In the
    last two the request carries ``encrypt_type=aes`` and ``msg_signature``, and the reply must
    come back encrypted; ``last_reply_xml`` is the reply as decrypted."""

    _msg_ids = itertools.count(24371928374660001)

    def __init__(self, client, settings, clock: ManualClock, openid: str, mode: str = "plain") -> None:
        assert mode in MODES, mode
        self.client, self.settings, self.clock, self.openid = client, settings, clock, openid
        self.mode = mode
        wx = settings.wechat
        self.crypto = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id) if mode != "plain" else None
        self.last_response = None
        self.last_reply_xml: str | None = None
        self.last_reply: str | None = None

    # -- what a member does ------------------------------------------------------------------
    def say(self, text: str) -> str | None:
        return self._send("text", f"<Content><![CDATA[{text}]]></Content>", msg_id=True)

    def voice(self, recognition: str) -> str | None:
        return self._send("voice", "<MediaId><![CDATA[media_v]]></MediaId><Format><![CDATA[amr]]></Format>"
                          f"<Recognition><![CDATA[{recognition}]]></Recognition>", msg_id=True)

    def location(self, lat: float, lon: float, label: str) -> str | None:
        return self._send("location", f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y>"
                          f"<Scale>15</Scale><Label><![CDATA[{label}]]></Label>", msg_id=True)

    def click(self, key: str) -> str | None:
        return self._event("CLICK", f"<EventKey><![CDATA[{key}]]></EventKey>")

    def follow(self, scene: str | None = None) -> str | None:
        extra = f"<EventKey><![CDATA[qrscene_{scene}]]></EventKey><Ticket><![CDATA[t]]></Ticket>" if scene else ""
        return self._event("subscribe", extra)

    def scan(self, scene: str) -> str | None:
        return self._event("SCAN", f"<EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[t]]></Ticket>")

    def unfollow(self) -> str | None:
        return self._event("unsubscribe", "")

    def advance(self, **delta) -> None:
        self.clock.advance(**delta)

    # -- the wire ------------------------------------------------------------------------------
    def xml(self, msg_type: str, body: str, msg_id: bool = False) -> str:
        created = int(self.clock.now().timestamp())
        mid = f"<MsgId>{next(self._msg_ids)}</MsgId>" if msg_id else ""
        return (f"<xml><ToUserName><![CDATA[gh_3f9a2c1d7e88]]></ToUserName>"
                f"<FromUserName><![CDATA[{self.openid}]]></FromUserName><CreateTime>{created}</CreateTime>"
                f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}{mid}</xml>")

    def post(self, xml: str, *, timestamp: str | None = None, nonce: str | None = None,
             signature: str | None = None):
        """Deliver ``xml`` as WeChat would in this chat's mode; returns the raw response. Each
        delivery gets a nonce of its own, as WeChat's do (pass ``nonce`` to repeat one)."""
        ts = timestamp or str(int(self.clock.now().timestamp()))
        nonce = nonce or secrets.token_hex(5)
        sig = signature or sign(self.settings.wechat.token, ts, nonce)
        query = {"signature": sig, "timestamp": ts, "nonce": nonce, "openid": self.openid}
        if self.crypto is not None:
            xml, query["msg_signature"] = self.encrypt(xml, ts, nonce)
            query["encrypt_type"] = "aes"
        self.last_response = self.client.post(self.settings.wechat.webhook_path, query_string=query,
                                              data=xml.encode("utf-8"), content_type="text/xml")
        return self.last_response

    def encrypt(self, xml: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """The body WeChat sends in this mode for ``xml``, and its ``msg_signature``."""
        wrapped = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        encrypt = f"<Encrypt><![CDATA[{wrapped['Encrypt']}]]></Encrypt>"
        if self.mode == "compatible":
            body = xml.replace("</xml>", encrypt + "</xml>")
        else:
            to_user = xmltodict.parse(xml)["xml"]["ToUserName"]
            body = f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>{encrypt}</xml>"
        return body, wrapped["MsgSignature"]

    def decrypt(self, body: str) -> str:
        """The reply XML inside an encrypted reply, after checking its ``MsgSignature``."""
        outer = xmltodict.parse(body)["xml"]
        return self.crypto.decrypt_message(body, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])

    def _event(self, event: str, extra: str) -> str | None:
        return self._reply_text(self.post(self.xml("event", f"<Event><![CDATA[{event}]]></Event>{extra}")))

    def _send(self, msg_type: str, body: str, msg_id: bool) -> str | None:
        return self._reply_text(self.post(self.xml(msg_type, body, msg_id)))

    def _reply_text(self, resp) -> str | None:
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_data(as_text=True)
        self.last_reply_xml = None
        if body == "success":
            return None
        if self.crypto is not None:
            assert "<Encrypt>" in body, f"reply not encrypted in {self.mode} mode: {body}"
            body = self.decrypt(body)
        self.last_reply_xml = body
        reply = parse_message(body)
        self.last_reply = getattr(reply, "content", None) or body
        return self.tapped(self.last_reply)

    def tapped(self, text: str) -> str:
        """``text`` with each reading link (``/r/<token>``, ``models.reading``) replaced by the
        address it leads to — what the member lands on when they tap it — found with a HEAD
        request, which the link does not count as reading. The reply as sent is ``last_reply``."""
        def lands_on(link: re.Match) -> str:
            resp = self.client.head(urlsplit(link[0]).path)
            assert resp.status_code == 302, f"reading link {link[0]} leads nowhere ({resp.status_code})"
            return resp.headers["Location"]
        return READING_LINK.sub(lands_on, text)


@pytest.fixture
def chat(app, settings, clock) -> Chat:
    return Chat(app.test_client(), settings, clock, "oKite_member_0001")


@pytest.fixture
def make_chat(app, settings, clock):
    """Several followers in one test: ``make_chat("oKite_x")``, or in an encrypted mode:
    ``make_chat("oKite_x", mode="safe")``."""
    return lambda openid, mode="plain": Chat(app.test_client(), settings, clock, openid, mode)
