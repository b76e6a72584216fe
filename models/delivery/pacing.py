"""How fast a dispatcher's round may start calls: a token bucket per channel
(:class:`RateLimiter`), and whether an access token is at hand before rows are marked
``sending`` (:class:`TokenCheck`). Used by :mod:`models.delivery.pool`'s round thread only."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from models.delivery.sender import Sender, SendFailed

# How often the round asks whether an access token is at hand (see TokenCheck).
PREPARE_EVERY_SECONDS = 1.0
# The most a channel's calls may bunch up: a tenth of a second's worth of its rate (never more
# than ``concurrency``, at least one). Any second then sees at most 1.1 × the rate, and a
# round at a high rate starts a batch of calls per transaction instead of one.
BURST_SECONDS = 0.1


class RateLimiter:
    """A token bucket per channel: ``rates`` calls per second by channel, a channel's bucket
    holding :data:`BURST_SECONDS` of its rate (at most ``burst``, at least 1) — so up to
    ``concurrency`` calls are in flight at once whenever the rate allows, never one at a time
    for want of tokens. Used by the round's own thread only: it asks how many calls may start
    now on every channel (:meth:`ready`) before claiming, and takes one token per call."""

    def __init__(self, rates: Mapping[str, float], burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rates, self.clock = dict(rates), clock
        self.size = {c: min(max(burst, 1), max(rate * BURST_SECONDS, 1.0)) for c, rate in rates.items()}
        self.tokens = dict(self.size)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        for channel, rate in self.rates.items():
            self.tokens[channel] = min(self.size[channel], self.tokens[channel] + (now - self.stamp) * rate)
        self.stamp = now

    def ready(self) -> int:
        """How many calls may start now, whatever their channel."""
        self._refill()
        return max(int(min(self.tokens.values())), 0)

    def take(self, channel: str) -> None:
        """A call on ``channel`` starts."""
        self._refill()
        self.tokens[channel] -= 1

    def next_in(self) -> float:
        """Seconds until :meth:`ready` is at least 1."""
        self._refill()
        return max((1 - self.tokens[c]) / self.rates[c] for c in self.rates) if self.rates else 0.0


class TokenCheck:
    """Whether an access token is at hand, asked before rows are marked ``sending`` (nothing
    slow may stand between that and the calls), through a sender of its own: at most every
    :data:`PREPARE_EVERY_SECONDS`, as a token lives two hours and a call that finds it just
    expired refreshes it itself (:mod:`bot.wechat_api`)."""

    def __init__(self, new_sender: Callable[[], Sender]) -> None:
        self.new_sender, self.sender, self.checked = new_sender, None, float("-inf")

    def failure(self) -> SendFailed | None:
        """``None`` when a token is at hand, else why not."""
        if time.monotonic() - self.checked < PREPARE_EVERY_SECONDS:
            return None
        self.sender = self.sender or self.new_sender()
        try:
            self.sender.prepare()
        except SendFailed as failure:
            return failure
        self.checked = time.monotonic()
        return None
