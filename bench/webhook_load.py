"""The load side of ``bench.webhook``: signed WeChat text messages, sent over loopback HTTP by
separate processes, each request timed; and the servers' CPU and memory read from ``/proc``."""
from __future__ import annotations

import hashlib
import itertools
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.bare import ACCOUNT

TOKEN = "kiteline"
# What members most often send; ordinary routed messages, each reaching a different handler.
TEXTS = ("菜单", "党费", "学习", "我的积分", "联络员是谁", "驿站电话")
# The webhook's apology and busy answers both start so: they count as failures here.
APOLOGY_START = "抱歉，系统".encode()
CLOCK_TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux


@dataclass
class Result:
    """One round against one app: ``latencies`` in seconds, ``cpu`` the server's CPU seconds."""

    app: str
    messages: int
    seconds: float
    latencies: list[float]
    failures: int
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def signed_text(openid: str, text: str, msg_id: int, nonce: str, now: int) -> tuple[str, bytes]:
    """The request WeChat would send for ``text`` in plain mode: a query signed with the
    account's token (sha1 of token, timestamp and nonce, sorted) and the message XML."""
    signature = hashlib.sha1("".join(sorted([TOKEN, str(now), nonce])).encode()).hexdigest()
    query = urlencode({"signature": signature, "timestamp": now, "nonce": nonce, "openid": openid})
    xml = (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
           f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
    return f"/wechat?{query}", xml.encode()


def build_requests(openids: list[str], count: int, first_msg_id: int, port: int) -> list[bytes]:
    """``count`` signed text messages as raw HTTP requests to ``port``, round-robin over the
    members and :data:`TEXTS`, each with a new MsgId and nonce."""
    now = int(time.time())
    return [_raw(*signed_text(openid, text, first_msg_id + n, f"b{first_msg_id + n}", now), port)
            for n, openid, text in zip(range(count), itertools.cycle(openids), itertools.cycle(TEXTS))]


def _raw(path: str, body: bytes, port: int) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, bytes, bool]:
    """Send one request, read its response: (status, body, whether the server keeps the
    connection open). A minimal HTTP/1.1 client: the load generator shares the machine's cores
    with the servers, so it must cost far less per request than the fastest server."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(b":", 1) for line in lines[1:])
    headers = {k.strip().lower(): v.strip().lower() for k, v in headers.items()}
    length = int(headers.get(b"content-length", b"0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk
    return status, body, headers.get(b"connection") != b"close"


def _client(port: int, work: list, lock: threading.Lock, deadline: float, out: list) -> None:
    # Keep-alive when the server offers it; a server that closes after each answer (gunicorn's
    # sync workers) gets a new connection per request, as WeChat's own client would.
    sock = None
    while time.monotonic() < deadline:
        with lock:
            if not work:
                break
            request = work.pop()
        start = time.monotonic()
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            status, answer, keep = _exchange(sock, request)
            ok = status == 200 and answer.startswith(b"<xml>") and APOLOGY_START not in answer
        except OSError:
            keep, ok = False, False
        if not keep:
            sock.close()
            sock = None
        out.append((start, time.monotonic(), ok))
    if sock is not None:
        sock.close()


def load_worker(port: int, work: list, connections: int, seconds: float) -> list:
    """One load process: ``connections`` clients share ``work``; returns (start, end, ok) per
    request, on the system-wide monotonic clock."""
    lock, out = threading.Lock(), []
    deadline = time.monotonic() + seconds
    clients = [threading.Thread(target=_client, args=(port, work, lock, deadline, out))
               for _ in range(connections)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    return out


def run_load(pool, app: str, port: int, requests: list, load_procs: int, connections: int,
             seconds: float, pids: list[int]) -> Result:
    """Send ``requests`` from ``load_procs`` processes over ``connections`` connections in all;
    the CPU the server processes ``pids`` spent meanwhile is in :attr:`Result.cpu`."""
    shares = [requests[i::load_procs] for i in range(load_procs)]
    per_proc = max(1, connections // load_procs)
    cpu_before = cpu_seconds(pids)
    done = pool.starmap(load_worker, [(port, share, per_proc, seconds) for share in shares])
    cpu = cpu_seconds(pids) - cpu_before
    samples = [s for part in done for s in part]
    elapsed = max(e for _, e, _ in samples) - min(s for s, _, _ in samples)
    return Result(app, len(samples), elapsed, [e - s for s, e, _ in samples],
                  sum(1 for *_, ok in samples if not ok), cpu)


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers), from ``/proc``."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return sorted(found)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes ``pids`` have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of ``pid`` in MB, from ``/proc/<pid>/smaps_rollup``: PSS splits the pages a
    forked worker still shares with its master and siblings between them."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]
