"""WeChat's error codes by what they mean for a message (DESIGN.md §2, 全局返回码 docs), and the
other ways a send can end. The dispatcher acts on the meaning, never on a bare number:

- window closed / budget spent (45015, 45047) → deferred, or its template form at once;
- unfollowed (43004), or an openid the account never had (40003) → dropped;
- token stale (40001, 40014, 42001) → the client refreshed once and retried; still refused,
  the message backs off and is tried again;
- platform busy (-1), or a request that never reached WeChat (no connection, no token) → nothing
  was sent: back off and retry, for every purpose;
- written, no answer (a read timeout, a connection lost mid-call) → unknown: the purpose's
  guarantee decides (``models.delivery.purposes``);
- daily quota (45009), or no mass-send quota left for the account (45028) → the channel stops
  until 00:00 Beijing time;
- a minute's quota spent (45011), or a mass send's ``clientmsgid`` retried too soon (45066) →
  nothing was sent: back off and retry;
- a mass send's ``clientmsgid`` used in the last 24 hours (45065) → that send went out: the
  client answers with its ``msg_id`` (``bot.wechat_api.KitelineClient.send_mass``);
- our message is malformed (a payload, a URL), or any other code → failed for good.
"""
from __future__ import annotations

from enum import StrEnum

WINDOW_CLOSED_CODES = frozenset({45015, 45047})
UNFOLLOWED_CODES = frozenset({43004, 40003})
NOT_FOLLOWING = 40003  # the openid never followed this account (reports tell it apart)
STALE_TOKEN_CODES = frozenset({40001, 40014, 42001})
BUSY = -1
# Nothing was sent, try again later: api minute-quota reached; the same clientmsgid retried too
# fast (群发 docs).
TRY_LATER_CODES = frozenset({45011, 45066})
DAILY_QUOTA = 45009
MASS_QUOTA = 45028  # has no masssend quota (群发)
CLIENTMSGID_EXISTS = 45065  # 群发: that clientmsgid was sent in the last 24 h (the answer has its msg_id)
TEMPLATE_CONTENT = 47003  # a template value too long or with a line break (模板消息 rules)


class Meaning(StrEnum):
    """What a failed send means for its message."""

    WINDOW_CLOSED = "window_closed"
    UNFOLLOWED = "unfollowed"
    TOKEN_STALE = "token_stale"
    TRANSIENT = "transient"  # platform busy, or the request never reached WeChat
    UNKNOWN = "unknown"  # the request was written and no answer came
    DAILY_QUOTA = "daily_quota"
    REFUSED = "refused"  # refused for good, or our message is malformed


def meaning_of(errcode: int) -> Meaning:
    """The meaning of WeChat's ``errcode`` for the message it refused."""
    if errcode in WINDOW_CLOSED_CODES:
        return Meaning.WINDOW_CLOSED
    if errcode in UNFOLLOWED_CODES:
        return Meaning.UNFOLLOWED
    if errcode in STALE_TOKEN_CODES:
        return Meaning.TOKEN_STALE
    if errcode == BUSY or errcode in TRY_LATER_CODES:
        return Meaning.TRANSIENT
    if errcode in (DAILY_QUOTA, MASS_QUOTA):
        return Meaning.DAILY_QUOTA
    return Meaning.REFUSED
