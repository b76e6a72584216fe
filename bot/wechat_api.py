"""The WeChat API client: wechatpy's ``WeChatClient`` on ``wechat.api_base_url`` with the shared
token store, plus the calls other parts need (invitation QR codes, the custom menu).

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

from flask import Flask
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from bot.runtime import Runtime
from bot.sandbox.transport import WSGITransport
from models import token as token_store
from models.settings import MenuButton, Settings

STALE_TOKEN_CODES = frozenset({40001, 40014, 42001})
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
    """``WeChatClient`` whose token comes from the shared store and ``stable_token``.

    Every API method of wechatpy works (``client.message.send_text(...)`` etc.); they raise
    ``WeChatClientException`` (``errcode`` set) for a refusal and ``requests`` exceptions for
    network failures. Each call may take ``wechat.api_timeout_seconds`` to connect and as long
    again for the answer."""

    def __init__(self, rt: Runtime, api_base_url: str) -> None:
        wx = rt.settings.wechat
        super().__init__(wx.app_id, wx.app_secret, session=SharedTokenStorage(rt),
                         timeout=wx.api_timeout_seconds, auto_retry=False)
        self.API_BASE_URL = api_base_url.rstrip("/") + "/"
        self.rt = rt

    @property
    def access_token(self) -> str:
        """A token that may be sent now; fetched only when the stored one has expired."""
        return token_store.current_token(self.rt.session, self.access_token_key, self.rt.clock,
                                         self._fetch_stable_token)

    def fetch_access_token(self) -> dict:
        """wechatpy's "get a new token": goes through the shared store, like every refresh."""
        current = self.session.get(self.access_token_key)
        return {"access_token": self.refresh_access_token(stale=current)}

    def refresh_access_token(self, stale: str | None) -> str:
        """A token other than ``stale``, fetched by one process at a time (see models.token)."""
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


def wechat_client(rt: Runtime, app: Flask | None = None) -> KitelineClient:
    """The API client for ``rt``. With ``app`` in sandbox mode, calls go to that app's sandbox
    in-process; otherwise over HTTP to ``wechat.api_base_url``."""
    if app is not None and rt.settings.wechat.sandbox:
        client = KitelineClient(rt, IN_PROCESS_BASE)
        client._http.mount(IN_PROCESS_BASE, WSGITransport(app))
        return client
    return KitelineClient(rt, rt.settings.wechat.api_base_url)


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
