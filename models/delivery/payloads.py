"""What a queued message says, one frozen dataclass per kind, checked when it is built.

Each payload is stored in the outbox row as JSON in the shape WeChat's API takes it (客服消息
text and news, 模板消息), so rows queued by earlier versions read back the same:

- :class:`Text` → ``text`` ``{"content", "fallback_template"?, "about"?}``: a customer-service
  text; ``fallback`` is its form as a template message, for purposes that may go as one outside
  the window (``models.delivery.purposes``); ``about`` the record it is rendered from, for a
  refresher (``models.delivery.refresh``);
- :class:`News` → ``news`` ``{"articles": [article]}``: one article (a customer-service news
  message carries one);
- :class:`LessonPush` → ``news`` ``{"articles": [article], "lesson_id"}``: a lesson pushed to a
  member; the study domain records it once it is delivered (``models.delivery.events``);
- :class:`TemplateNotice` → ``template`` ``{"template_id", "data": {keyword: {"value"}}, "url"?,
  "about"?}``.

A payload of the wrong shape raises ``ValueError`` when built or read back
(:func:`payload_of`), so a bug in whoever queues it shows at once, not at send time.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def _text(value: Any, what: str, *, empty: bool = False) -> None:
    if not isinstance(value, str) or (not empty and not value):
        raise ValueError(f"{what} must be a{'' if empty else ' non-empty'} string, not {value!r}")


def _about(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping) or not value or not all(
            isinstance(k, str) and k and isinstance(v, str | int) and not isinstance(v, bool) for k, v in value.items()):
        raise ValueError(f"about must be a non-empty mapping of names to ids or strings, not {value!r}")


@dataclass(frozen=True)
class TemplateNotice:
    """A template message: ``template_id`` (the id WeChat gave the approved template), ``data``
    (keyword → value, as the template names its fields), an optional link ``url``, and ``about``
    (see :class:`Text`; never sent)."""

    template_id: str
    data: Mapping[str, str]
    url: str | None = None
    about: Mapping[str, int | str] | None = None

    def __post_init__(self) -> None:
        _text(self.template_id, "template_id")
        if not isinstance(self.data, Mapping) or not self.data:
            raise ValueError(f"template data must be a non-empty mapping of keyword to value, not {self.data!r}")
        for keyword, value in self.data.items():
            _text(keyword, "a template keyword")
            _text(value, f"template value {keyword}", empty=True)
        if self.url is not None:
            _text(self.url, "template url")
        _about(self.about)

    def as_json(self) -> dict:
        body: dict[str, Any] = {"template_id": self.template_id,
                                "data": {k: {"value": v} for k, v in self.data.items()}}
        if self.url is not None:
            body["url"] = self.url
        if self.about is not None:
            body["about"] = dict(self.about)
        return body

    @classmethod
    def from_json(cls, body: dict) -> TemplateNotice:
        data = body["data"]
        if not isinstance(data, Mapping) or not all(isinstance(v, Mapping) for v in data.values()):
            raise ValueError(f"template data must map each keyword to {{'value': …}}, not {data!r}")
        return cls(body["template_id"], {k: v["value"] for k, v in data.items()}, body.get("url"), body.get("about"))


# What one list notice may hold: a passive reply's limit (DESIGN.md §2), so a list reads the
# same whichever channel carries it.
LIST_MAX_BYTES = 2048


def numbered_list(heading: str, lines: Iterable[str], total: int, more: Callable[[int], str],
                  limit: int = LIST_MAX_BYTES) -> str:
    """``heading`` then ``\n1. line``, ``\n2. line`` … while the text stays within ``limit``
    UTF-8 bytes; when a line would not fit, ``more(left)`` (e.g. ``另有3条未列出…``: ``left`` of
    the ``total`` lines unlisted) ends it instead. ``lines`` is read lazily, so lines past the
    limit are never built. Used for the notices that list people or rows to a liaison or
    secretary."""
    text = heading
    for n, line in enumerate(lines, start=1):
        item, rest = f"\n{n}. {line}", more(total - n + 1)
        if len((text + item + rest).encode("utf-8")) > limit:
            return text + rest
        text += item
    return text


@dataclass(frozen=True)
class Text:
    """A customer-service text; ``fallback`` is the same notice as a template message.
    ``about`` names the record the message is rendered from (``{"ticket_id": 7, "number":
    "Q20261129001"}``), so a refresher (:mod:`models.delivery.refresh`) can render it again just
    before it is sent; it is stored with the payload, never sent."""

    content: str
    fallback: TemplateNotice | None = None
    about: Mapping[str, int | str] | None = None

    def __post_init__(self) -> None:
        _text(self.content, "text content")
        if self.fallback is not None and not isinstance(self.fallback, TemplateNotice):
            raise ValueError(f"a text's fallback must be a TemplateNotice, not {self.fallback!r}")
        _about(self.about)

    def as_json(self) -> dict:
        body: dict[str, Any] = {"content": self.content}
        if self.fallback is not None:
            body["fallback_template"] = self.fallback.as_json()
        if self.about is not None:
            body["about"] = dict(self.about)
        return body

    @classmethod
    def from_json(cls, body: dict) -> Text:
        fallback = body.get("fallback_template")
        return cls(body["content"], TemplateNotice.from_json(fallback) if fallback is not None else None,
                   body.get("about"))


@dataclass(frozen=True)
class Article:
    """One news (图文) article: title, description, link, picture link (may be empty)."""

    title: str
    description: str
    url: str
    picurl: str = ""

    def __post_init__(self) -> None:
        _text(self.title, "article title")
        _text(self.url, "article url")
        _text(self.description, "article description", empty=True)
        _text(self.picurl, "article picurl", empty=True)

    def as_json(self) -> dict:
        return {"title": self.title, "description": self.description, "url": self.url, "picurl": self.picurl}

    @classmethod
    def from_json(cls, body: dict) -> Article:
        return cls(body["title"], body["description"], body["url"], body.get("picurl", ""))


def _one_article(body: dict) -> Article:
    articles = body["articles"]
    if not isinstance(articles, list) or len(articles) != 1:
        raise ValueError(f"a customer-service news message carries one article, not {articles!r}")
    return Article.from_json(articles[0])


@dataclass(frozen=True)
class News:
    """A customer-service news message: one article."""

    article: Article

    def __post_init__(self) -> None:
        if not isinstance(self.article, Article):
            raise ValueError(f"a news message's article must be an Article, not {self.article!r}")

    def as_json(self) -> dict:
        return {"articles": [self.article.as_json()]}

    @classmethod
    def from_json(cls, body: dict) -> News:
        return cls(_one_article(body))


@dataclass(frozen=True)
class LessonPush:
    """Lesson ``lesson_id`` pushed to a member (学习推送), as a news message with its ``article``."""

    lesson_id: int
    article: Article

    def __post_init__(self) -> None:
        if not isinstance(self.lesson_id, int) or isinstance(self.lesson_id, bool):
            raise ValueError(f"lesson_id must be an int, not {self.lesson_id!r}")
        if not isinstance(self.article, Article):
            raise ValueError(f"a lesson's article must be an Article, not {self.article!r}")

    def as_json(self) -> dict:
        return {"articles": [self.article.as_json()], "lesson_id": self.lesson_id}

    @classmethod
    def from_json(cls, body: dict) -> LessonPush:
        return cls(body["lesson_id"], _one_article(body))


Payload = Text | News | LessonPush | TemplateNotice
KIND_OF: dict[type, str] = {Text: "text", News: "news", LessonPush: "news", TemplateNotice: "template"}


def payload_of(kind: str, body: Any) -> Payload:
    """The typed payload of a stored row (``kind``, JSON ``body``). Raises ``ValueError`` for a
    body of the wrong shape: ``payload of a text message lacks 'content'`` and the like."""
    if not isinstance(body, dict):
        raise ValueError(f"payload of a {kind} message is not a JSON object: {body!r}")
    try:
        if kind == "text":
            return Text.from_json(body)
        if kind == "news":
            return LessonPush.from_json(body) if "lesson_id" in body else News.from_json(body)
        if kind == "template":
            return TemplateNotice.from_json(body)
    except KeyError as exc:
        raise ValueError(f"payload of a {kind} message lacks {exc}") from None
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"payload of a {kind} message is malformed: {exc}") from None
    raise ValueError(f"no payload kind {kind!r}")
