"""A ``requests`` transport that hands each request to a WSGI app in-process, no socket.

Mounted on a :class:`requests.Session` (``session.mount(prefix, WSGITransport(app))``) it lets
the WeChat client talk to the embedded sandbox from tests and single-process commands exactly
as it would over HTTP. Timeouts cannot apply in-process and are ignored.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

# Headers the WSGI environ builder derives itself from the URL and body.
_DERIVED = {"host", "content-length"}


class WSGITransport(BaseAdapter):
    """Serve ``requests`` calls from ``app`` (any WSGI callable)."""

    def __init__(self, app) -> None:
        super().__init__()
        self.client = Client(app)

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True,
             cert=None, proxies=None) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        answer = self.client.open(
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
