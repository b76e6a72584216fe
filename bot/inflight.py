"""Deliveries being answered in this process, so WeChat's retries wait here, never in the database.

WeChat waits 5 s for a passive reply and retries a delivery three times (消息推送 docs). While the
first delivery's handler runs it holds its database transaction; on SQLite that is the one write
lock, so a retry that asked the database (an INSERT to learn it is a retry, an UPDATE to say it
gave up) would queue behind the very handler it waits for, and the member would see
"该公众号暂时无法提供服务". A retry reaching the process that answers the first delivery — every
retry, in the embedded single-process default — is answered from here instead: it waits for the
reply in memory and, when the wait runs out, marks it lost so the first delivery sends it through
the outbox. Retries reaching another process use the database (``bot.answering``).

Hand-written because no library holds "one slow answer, several waiters, one verdict"; it is a
dict and a condition variable.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

# Finished deliveries stay this long, so a retry arriving after the answer still finds it here
# (WeChat's retries come within ~20 s of the first delivery); swept at most once a second.
KEEP_SECONDS = 60.0
SWEEP_EVERY_SECONDS = 1.0


@dataclass
class Delivery:
    """One delivery being answered: ``body`` once answered, or ``lost`` when a retry gave up.
    ``query_key`` and ``body_hash`` say how it arrived (see ``bot.answering.Seen``)."""

    query_key: str
    body_hash: str
    body: str | None = None
    lost: bool = False
    done_at: float | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)


class InFlight:
    """The deliveries this process is answering, by dedupe key. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, Delivery] = {}
        self._swept = 0.0

    def claim(self, key: str, query_key: str, body_hash: str) -> tuple[Delivery, bool]:
        """``(delivery, True)`` when this call is the first for ``key`` (answer it, then call
        :meth:`finish` or :meth:`forget`); ``(the first one's delivery, False)`` for a retry."""
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            existing = self._by_key.get(key)
            if existing is not None:
                return existing, False
            delivery = self._by_key[key] = Delivery(query_key, body_hash)
            return delivery, True

    def forget(self, key: str) -> None:
        """Stop answering ``key`` here (it turned out to be handled elsewhere, or failed)."""
        with self._lock:
            delivery = self._by_key.pop(key, None)
        if delivery is not None:
            with delivery.changed:
                delivery.lost = delivery.lost or delivery.body is None
                delivery.changed.notify_all()

    @staticmethod
    def finish(delivery: Delivery, body: str) -> bool:
        """Hand ``body`` to any retry waiting for it. Returns False when a retry already gave up
        (the caller must send the reply another way)."""
        with delivery.changed:
            delivery.done_at = time.monotonic()
            if delivery.lost:
                return False
            delivery.body = body
            delivery.changed.notify_all()
            return True

    @staticmethod
    def wait(delivery: Delivery, seconds: float) -> str | None:
        """The first delivery's reply, waiting up to ``seconds``; ``None`` when it is not ready
        by then — the delivery is then marked lost (once lost, later retries get ``None`` at
        once)."""
        deadline = time.monotonic() + seconds
        with delivery.changed:
            while delivery.body is None and not delivery.lost:
                left = deadline - time.monotonic()
                if left <= 0:
                    delivery.lost = True
                    break
                delivery.changed.wait(left)
            return delivery.body

    def _expire(self, now: float) -> None:
        if now - self._swept < SWEEP_EVERY_SECONDS:
            return
        self._swept = now
        old = [k for k, d in self._by_key.items() if d.done_at is not None and now - d.done_at > KEEP_SECONDS]
        for key in old:
            del self._by_key[key]
