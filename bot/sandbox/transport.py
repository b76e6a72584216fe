"""A ``requests`` transport that hands each request to a WSGI app in-process, no socket.

Mounted on a :class:`requests.Session` (``session.mount(prefix, WSGITransport(app))``) it lets
the WeChat client talk to the embedded sandbox from tests and single-process commands exactly
as it would over HTTP — including the read timeout: a call that does not answer within it
raises :class:`requests.ReadTimeout`, while the call itself runs on to its end behind, as the
platform would go on with a request whose caller stopped listening.
"""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

# Headers the WSGI environ builder derives itself from the URL and body.
_DERIVED = {"host", "content-length"}


class WSGITransport(BaseAdapter):
    """Serve ``requests`` calls from ``app`` (any WSGI callable). Safe to share between
    threads: each call gets its own test client."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True,
             cert=None, proxies=None) -> requests.Response:
        """Answer ``request``; ``timeout`` is seconds or ``(connect, read)`` as in requests.
        Raises ``requests.ReadTimeout`` when the app takes longer than the read timeout."""
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        if read_timeout is None:
            return self._call(request)
        outcome: dict = {}
        done = threading.Event()

        def call() -> None:
            try:
                outcome["response"] = self._call(request)
            except Exception as exc:  # handed to the caller below, as requests would raise it
                outcome["error"] = exc
            finally:
                done.set()

        # A daemon thread: a call still running behind never holds the process open.
        threading.Thread(target=call, name="kiteline-sandbox-call", daemon=True).start()
        if not done.wait(read_timeout):
            raise requests.ReadTimeout(f"the in-process sandbox did not answer within {read_timeout} s",
                                       request=request)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]

    def _call(self, request: requests.PreparedRequest) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        answer = Client(self.app).open(
            path=url.path, query_string=url.query, method=request.method,
            base_url=f"{url.scheme}://{url.netloc}", data=body or b"",
            headers={k: v for k, v in request.headers.items() if k.lower() not in _DERIVED})
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.get_data()
        response.encoding = answer.mimetype_params.get("charset")
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        """Nothing to release: no connections were opened."""
