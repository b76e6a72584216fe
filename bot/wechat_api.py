"""The WeChat API client: wechatpy's ``WeChatClient`` on ``wechat.api_base_url`` with the shared
token store, plus the calls other parts need (invitation QR codes, the custom menu). It is the
outbox's :class:`models.delivery.sender.Sender`: its sends raise ``SendFailed`` saying what a
failure means (an answer's error code, or whether the request can have reached WeChat).

Token rules (DESIGN.md §2, WeChat 获取稳定版接口调用凭据 docs): one ``access_token`` per account,
shared by every process through :mod:`models.token`, fetched with ``stable_token`` in normal
mode (which hands out the current token instead of invalidating it) only once the stored one has
expired, by one process at a time. A call answered 40001/40014/42001 (token invalid or expired)
refreshes once and is retried once.

In sandbox mode a caller holding the Flask app may reach the embedded sandbox in-process
(``wechat_client(rt, app)``): no socket, no server needed — tests and one-shot commands use that.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import requests
from flask import Flask
from urllib3.exceptions import ConnectTimeoutError
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from bot.runtime import Runtime
from bot.sandbox import Platform, sandbox_app
from bot.sandbox.transport import WSGITransport
from models import token as token_store
from models.delivery.errcodes import CLIENTMSGID_EXISTS, STALE_TOKEN_CODES, Meaning
from models.delivery.payloads import Article, TemplateNotice
from models.delivery.sender import SendFailed
from models.settings import MenuButton, Settings

DEFAULT_TOKEN_SECONDS = 7200
# Where an in-process client sends sandbox calls; the host never reaches a network.
IN_PROCESS_BASE = "http://sandbox.in-process/cgi-bin/"


class SharedTokenStorage(SessionStorage):
    """wechatpy's session storage on :mod:`models.token`: one row per key for all processes."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def get(self, key: str, default: str | None = None) -> str | None:
        with self.rt.session() as s:
            return token_store.read_token(s, key, self.rt.clock.now()) or default

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        expires = self.rt.clock.now() + dt.timedelta(seconds=ttl or DEFAULT_TOKEN_SECONDS)
        with self.rt.session() as s:
            token_store.store_token(s, key, value, expires)
            s.commit()

    def delete(self, key: str) -> None:
        with self.rt.session() as s:
            token_store.delete_token(s, key)
            s.commit()


class KitelineClient(WeChatClient):
    """``WeChatClient`` whose token comes from the shared store and ``stable_token``, and the
    outbox's sender (``prepare``, ``send_text``, ``send_news``, ``send_template``, ``send_mass``).

    Every API method of wechatpy works (``client.message.send_text(...)`` etc.); they raise
    ``WeChatClientException`` (``errcode`` set) for a refusal and ``requests`` exceptions for
    network failures. Each call may take ``wechat.api_timeout_seconds`` to connect and as long
    again for the answer."""

    def __init__(self, rt: Runtime, api_base_url: str) -> None:
        wx = rt.settings.wechat
        super().__init__(wx.app_id, wx.app_secret, session=SharedTokenStorage(rt),
                         timeout=wx.api_timeout_seconds, auto_retry=False)
        self.API_BASE_URL = api_base_url.rstrip("/") + "/"
        _environment_once(self._http, self.API_BASE_URL)
        self.rt = rt
        self.recent = rt.recent_token  # the shared row's value, read at most once a second a process

    @property
    def access_token(self) -> str:
        """A token that may be sent now; fetched only when the stored one has expired."""
        return token_store.current_token(self.rt.session, self.access_token_key, self.rt.clock,
                                         self._fetch_stable_token, self.recent)

    def fetch_access_token(self) -> dict:
        """wechatpy's "get a new token": goes through the shared store, like every refresh."""
        current = self.session.get(self.access_token_key)
        return {"access_token": self.refresh_access_token(stale=current)}

    def refresh_access_token(self, stale: str | None) -> str:
        """A token other than ``stale``, fetched by one process at a time (see models.token)."""
        self.recent.forget()
        return token_store.refresh_token(self.rt.session, self.access_token_key, self.rt.clock,
                                         self._fetch_stable_token, stale=stale)

    def _fetch_stable_token(self) -> tuple[str, int]:
        """``(token, expires_in seconds)`` from ``stable_token`` in normal mode: never
        ``force_refresh``, which would invalidate the token every other process holds."""
        res = self._http.post(self.API_BASE_URL + "stable_token", timeout=self.timeout, json={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
            "force_refresh": False})
        res.raise_for_status()
        result = res.json()
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self,
                                        request=res.request, response=res)
        return result["access_token"], int(result.get("expires_in", DEFAULT_TOKEN_SECONDS))

    def _request(self, method, url_or_endpoint, **kwargs):
        token = self.access_token
        params = {**(kwargs.pop("params", None) or {}), "access_token": token}
        try:
            return super()._request(method, url_or_endpoint, params=dict(params), **kwargs)
        except WeChatClientException as exc:
            if exc.errcode not in STALE_TOKEN_CODES:
                raise
        params["access_token"] = self.refresh_access_token(stale=token)
        return super()._request(method, url_or_endpoint, params=params, **kwargs)

    # -- models.delivery.sender.Sender --------------------------------------------------------
    def prepare(self) -> None:
        """Fetch the access token now (see :class:`models.delivery.sender.Sender`)."""
        try:
            self.access_token  # noqa: B018
        except (WeChatClientException, requests.RequestException, token_store.TokenRefreshTimeout) as exc:
            raise SendFailed(f"no access token: {describe(exc)}", Meaning.TRANSIENT) from exc

    def send_text(self, openid: str, content: str) -> None:
        with _as_send_failed():
            self.message.send_text(openid, content)

    def send_news(self, openid: str, article: Article) -> None:
        with _as_send_failed():
            self.message.send_articles(openid, [article.as_json()])

    def send_template(self, openid: str, notice: TemplateNotice) -> None:
        with _as_send_failed():
            self.message.send_template(openid, notice.template_id, notice.as_json()["data"], url=notice.url)

    def send_mass(self, openids: Sequence[str], content: str, clientmsgid: str) -> int:
        """A text mass send by openid list (根据OpenID列表群发); its ``msg_id``. 45065 (the
        ``clientmsgid`` went out in the last 24 hours) returns that send's ``msg_id``, which
        the answer carries: the send is done, never repeated."""
        with _as_send_failed():
            try:
                result = self.message.send_mass_text(list(openids), content, client_msg_id=clientmsgid)
            except WeChatClientException as exc:
                earlier = _earlier_msg_id(exc)
                if exc.errcode != CLIENTMSGID_EXISTS or earlier is None:
                    raise
                return earlier
        return int(result["msg_id"])


def _environment_once(http: requests.Session, base_url: str) -> None:
    """What ``requests`` takes from the environment for ``base_url`` — its proxy (``HTTPS_PROXY``
    and the like, unless ``NO_PROXY`` names its host) and, for HTTPS, a CA bundle
    (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) — read once for ``http``'s life. Left to
    ``requests`` it is read again on every call (every variable of the environment scanned for
    proxies, ``~/.netrc`` and the bundle looked for on disk): ≈ 0.5 ms of CPU, a third of a
    send's. Every call of a client goes to one host, and WeChat's API takes no ``.netrc``
    credentials."""
    http.proxies.update(requests.utils.get_environ_proxies(base_url))
    if base_url.lower().startswith("https:"):  # a bundle's path is looked at on every call
        http.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    http.trust_env = False


def _earlier_msg_id(error: WeChatClientException) -> int | None:
    """The ``msg_id`` a 45065 answer carries, or ``None``."""
    try:
        return int(error.response.json()["msg_id"])
    except (AttributeError, ValueError, KeyError, TypeError):
        return None


def describe(error: Exception) -> str:
    """``45047 out of response count limit`` for WeChat's refusals, ``ReadTimeout: …`` else."""
    code = getattr(error, "errcode", None)
    return f"{code} {error.errmsg}" if code is not None else f"{type(error).__name__}: {error}"


@contextmanager
def _as_send_failed() -> Iterator[None]:
    """Turn what wechatpy and requests raise during a send into :class:`SendFailed` by meaning:
    WeChat's code; nothing sent (no connection, no token); our URL malformed; else unknown."""
    try:
        yield
    except WeChatClientException as exc:
        raise SendFailed.refused(exc.errcode, exc.errmsg) from exc
    except token_store.TokenRefreshTimeout as exc:
        raise SendFailed(describe(exc), Meaning.TRANSIENT) from exc
    except requests.RequestException as exc:
        if isinstance(exc, ValueError):  # InvalidURL, MissingSchema: our message is malformed
            raise SendFailed(describe(exc), Meaning.REFUSED) from exc
        raise SendFailed(describe(exc), Meaning.TRANSIENT if never_written(exc) else Meaning.UNKNOWN) from exc


def never_written(error: Exception) -> bool:
    """True when ``error`` proves the request never reached WeChat: no connection was made
    (refused, unreachable, connect timeout, TLS handshake)."""
    if isinstance(error, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        # requests wraps urllib3's MaxRetryError, whose reason says which step failed.
        return isinstance(getattr(reason, "reason", reason), ConnectTimeoutError)
    return False


def wechat_client(rt: Runtime, app: Flask | None = None) -> KitelineClient:
    """The API client for ``rt``. With ``app`` in sandbox mode, calls go to that app's sandbox
    in-process; otherwise over HTTP to ``wechat.api_base_url``."""
    if app is not None and rt.settings.wechat.sandbox:
        client = KitelineClient(rt, IN_PROCESS_BASE)
        client._http.mount(IN_PROCESS_BASE, WSGITransport(app))
        return client
    return KitelineClient(rt, rt.settings.wechat.api_base_url)


def in_process_sandbox(rt: Runtime) -> Flask | None:
    """In sandbox mode, the sandbox alone on ``rt``'s database, for a command that calls the
    WeChat API in-process (``wechat_client(rt, app)``) but answers no messages,
    so builds no router; ``None`` with a real account."""
    if not rt.settings.wechat.sandbox:
        return None
    return sandbox_app(Platform(rt.engine, rt.clock, rt.settings))


def create_bind_qrcode(rt: Runtime, code: str, client: KitelineClient | None = None) -> str:
    """A permanent invitation QR code for one member; scanning it sends scene ``bind_<code>``
    (as ``qrscene_bind_<code>`` on a follow). Returns the URL the QR image should encode.

    WeChat limits: scene_str 1–64 characters, 100,000 permanent codes per account. Raises
    ``WeChatClientException`` on a refusal. Do not call inside an open SQLite write
    transaction: the in-process sandbox writes to the same file."""
    client = client or wechat_client(rt)
    result = client.qrcode.create({"action_name": "QR_LIMIT_STR_SCENE",
                                   "action_info": {"scene": {"scene_str": f"bind_{code}"}}})
    return result["url"]


def menu_body(settings: Settings) -> dict:
    """The ``menu/create`` JSON for ``settings.menu``."""
    def button(b: MenuButton) -> dict:
        if b.sub_buttons:
            return {"name": b.name, "sub_button": [button(s) for s in b.sub_buttons]}
        if b.key:
            return {"type": "click", "name": b.name, "key": b.key}
        return {"type": "view", "name": b.name, "url": b.url}

    return {"button": [button(b) for b in settings.menu.buttons]}


def sync_menu(rt: Runtime, client: KitelineClient | None = None) -> dict:
    """Push the custom menu from config.yaml. Raises ``ValueError`` when none is configured,
    ``WeChatClientException`` when the platform refuses it."""
    body = menu_body(rt.settings)
    if not body["button"]:
        raise ValueError("config.yaml has no menu.buttons")
    return (client or wechat_client(rt)).menu.create(body)
