"""What sends a message: the :class:`Sender` protocol the dispatcher calls (one message to one
openid, or one mass send to many), and the one failure a sender raises. The WeChat API client (``bot.wechat_api.KitelineClient``) implements it; a
test may pass anything that does."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from models.delivery.errcodes import Meaning, meaning_of
from models.delivery.payloads import Article, TemplateNotice


class SendFailed(Exception):
    """A send that did not succeed, with what it means (:class:`Meaning`), WeChat's ``errcode``
    when WeChat answered with one, and ``description`` as the outbox row records it
    (``45047 out of response count limit``, ``ReadTimeout: …``)."""

    def __init__(self, description: str, meaning: Meaning, errcode: int | None = None) -> None:
        super().__init__(description)
        self.description, self.meaning, self.errcode = description, meaning, errcode

    @classmethod
    def refused(cls, errcode: int, errmsg: str | None) -> SendFailed:
        """WeChat answered ``errcode``: its meaning by :func:`meaning_of`."""
        return cls(f"{errcode} {errmsg}", meaning_of(errcode), errcode)


class Sender(Protocol):
    """Sends one message to one openid. Each method returns when WeChat accepted the message
    and raises :class:`SendFailed` otherwise; any other exception counts as an unknown outcome
    (the request may have been written)."""

    def prepare(self) -> None:
        """Be ready to send at once (fetch the access token now), so that nothing slow stands
        between a row marked ``sending`` and its request. Raises :class:`SendFailed`
        (``TRANSIENT``) when it cannot."""

    def send_text(self, openid: str, content: str) -> None:
        """A customer-service text."""

    def send_news(self, openid: str, article: Article) -> None:
        """A customer-service news message with one article."""

    def send_template(self, openid: str, notice: TemplateNotice) -> None:
        """A template message."""

    def send_mass(self, openids: Sequence[str], content: str, clientmsgid: str) -> int:
        """A text mass send (群发) to 2–10,000 ``openids``; returns its ``msg_id``. The same
        ``clientmsgid`` again within 24 hours is never a second send: WeChat answers 45065
        with the first send's ``msg_id``, which this returns (the send went out)."""
