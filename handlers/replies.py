"""What a handler returns. The webhook renders these as WeChat passive-reply XML; handlers never
build XML themselves."""
from __future__ import annotations

from dataclasses import dataclass

# A passive reply's text holds at most 2048 bytes of UTF-8 (被动回复用户消息 docs); longer
# answers are paged (handlers.paging).
PASSIVE_REPLY_MAX_BYTES = 2048


@dataclass(frozen=True)
class TextReply:
    """A text reply. One longer than :data:`PASSIVE_REPLY_MAX_BYTES` is sent a page at a time
    (``handlers.paging``)."""

    text: str


@dataclass(frozen=True)
class NoReply:
    """Answer WeChat with ``success``: nothing shown to the member (e.g. report events)."""


Reply = TextReply | NoReply
