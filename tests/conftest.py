"""Shared fixtures. The centre is ``chat``: a member talking to the bot through real, signed
WeChat XML posted to the Flask test client, with an injected clock (no sleeping)."""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pytest
from wechatpy import parse_message

from bot.app import create_app
from bot.config import load_settings
from migrations import schema

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
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
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/kiteline.db"


@pytest.fixture
def settings(db_url, tmp_path):
    """Settings as shipped in config.yaml, on a fresh database, sandbox mode."""
    return load_settings(Path(__file__).resolve().parents[1] / "config.yaml",
                         env={"KITELINE_DATABASE__URL": db_url})


@pytest.fixture
def app(settings, clock):
    app = create_app(settings, clock=clock)
    schema.upgrade(app.extensions["kiteline"].engine)
    yield app
    app.extensions["kiteline"].engine.dispose()


@pytest.fixture
def runtime(app):
    return app.extensions["kiteline"]


@pytest.fixture
def session(runtime):
    with runtime.session() as s:
        yield s


class Chat:
    """One follower (``openid``) talking to the bot. Each call posts one signed message and
    returns what the member sees: the reply text, or ``None`` for ``success``."""

    _msg_ids = itertools.count(24371928374660001)

    def __init__(self, client, settings, clock: ManualClock, openid: str) -> None:
        self.client, self.settings, self.clock, self.openid = client, settings, clock, openid
        self.last_response = None

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

    def post(self, xml: str, *, timestamp: str | None = None, nonce: str = "n0nce",
             signature: str | None = None):
        ts = timestamp or str(int(self.clock.now().timestamp()))
        sig = signature or sign(self.settings.wechat.token, ts, nonce)
        self.last_response = self.client.post(
            self.settings.wechat.webhook_path,
            query_string={"signature": sig, "timestamp": ts, "nonce": nonce, "openid": self.openid},
            data=xml.encode("utf-8"), content_type="text/xml")
        return self.last_response

    def _event(self, event: str, extra: str) -> str | None:
        return self._reply_text(self.post(self.xml("event", f"<Event><![CDATA[{event}]]></Event>{extra}")))

    def _send(self, msg_type: str, body: str, msg_id: bool) -> str | None:
        return self._reply_text(self.post(self.xml(msg_type, body, msg_id)))

    @staticmethod
    def _reply_text(resp) -> str | None:
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_data(as_text=True)
        if body == "success":
            return None
        reply = parse_message(body)
        return getattr(reply, "content", None) or body


@pytest.fixture
def chat(app, settings, clock) -> Chat:
    return Chat(app.test_client(), settings, clock, "oKite_member_0001")


@pytest.fixture
def make_chat(app, settings, clock):
    """Several followers in one test: ``make_chat("oKite_x")``."""
    return lambda openid: Chat(app.test_client(), settings, clock, openid)
