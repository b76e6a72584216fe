"""What a broadcast sends each member of a page (``models.settings.schedules.Content``).

- **next unread** (of a category, or of the whole library) and **a named list** (lessons by
  code 编号 or title, in the list's order): each member's first lesson (in order) they neither have nor have coming, from one
  bulk read per page of the page's study records and of the lessons already on their way to
  them (due, deferred, held on request, in flight, or of unknown outcome). A lesson a member
  has, or has coming, is never chosen again: a member who has everything in scope gets nothing
  from this run (a scheduled push never repeats a lesson; they can still ask for one in chat).
- **the week's digest** (purpose ``lesson_digest``): the lessons published (or added) in the 7
  days before the run as one text, the same for everyone.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from models import study
from models.clock import SHANGHAI
from models.delivery.outbox import ON_THE_WAY, OutboxMessage
from models.delivery.payloads import Text, numbered_list
from models.lesson import CATEGORY_NAMES, Lesson, StudyRecord
from models.lesson_scope import LessonScope
from models.settings.schedules import Content

log = logging.getLogger(__name__)

DIGEST_PURPOSE = "lesson_digest"
DIGEST_DAYS = 7
_OUTBOX, _RECORDS = OutboxMessage.__table__, StudyRecord.__table__
# Rows that count as "has it or has it coming" besides study records (unknown: it may have arrived).
_HAS_IT = [literal(status) for status in (*ON_THE_WAY, "unknown")]
# Where a member's link goes in a lesson's payload text (quoted, it cannot occur elsewhere in the
# JSON: a quote inside another string is escaped).
_LINK = "@@reading-link@@"
_LINK_JSON = json.dumps(_LINK)


@dataclass(frozen=True)
class Planned:
    """One member's message of a page: outbox ``purpose``, ``kind`` and ``payload`` — the
    payload's JSON text (``models.delivery.payloads``), serialised here because a page's
    thousands of payloads differ only in a link (see :class:`NextUnread`)."""

    member_id: int
    openid: str
    purpose: str
    kind: str
    payload: str


# A member's own link to a lesson: (member id, lesson id) -> url (models.reading.reading_url with
# the deployment's base address and key bound).
Links = Callable[[int, int], str]


class NextUnread:
    """Each member's next unread lesson of ``lessons`` (in the order given) among those meant
    for their branch (``scope``), linked through ``links`` (the lesson's own url without)."""

    def __init__(self, lessons: Sequence[Lesson], scope: LessonScope, links: Links | None = None) -> None:
        self.lessons, self.scope, self.links = list(lessons), scope, links
        # Built once per run, not per member: the JSON text of every lesson's payload cut where
        # the link goes (a member's payload is the two halves around their own link: no
        # serialising of 100,000 dicts), and per branch the ids of the lessons meant for it
        # (members share a few hundred branches).
        self.payloads: dict[int, tuple[str, str]] = {}
        for lesson in self.lessons:
            message = study.lesson_message(lesson)
            if links is not None:
                message = replace(message, article=replace(message.article, url=_LINK))
            before, _, after = json.dumps(message.as_json()).partition(_LINK_JSON)
            self.payloads[lesson.id] = (before, after)
        self._of_branch: dict[int, list[int]] = {}

    def _lessons_for(self, branch_id: int) -> list[int]:
        found = self._of_branch.get(branch_id)
        if found is None:
            found = self._of_branch[branch_id] = [lesson.id for lesson in self.scope.filter(self.lessons, branch_id)]
        return found

    def _payload(self, member_id: int, lesson_id: int) -> str:
        before, after = self.payloads[lesson_id]
        if self.links is None:
            return before
        return before + json.dumps(self.links(member_id, lesson_id)) + after

    def for_page(self, session: Session, page: Sequence) -> list[Planned]:
        """The messages for ``page`` (recipients in id order): two reads for the whole page."""
        if not page or not self.lessons:
            return []
        low, high = page[0].member_id, page[-1].member_id
        # Which lessons each member has or has coming; when does not matter here (a lesson they
        # have is never chosen again), so no timestamp is read.
        have: dict[int, set[int]] = {}
        for member_id, lesson_id in session.execute(
                select(_RECORDS.c.member_id, _RECORDS.c.lesson_id).where(_RECORDS.c.member_id.between(low, high))):
            have.setdefault(member_id, set()).add(lesson_id)
        lesson_of = _OUTBOX.c.payload["lesson_id"].as_integer()
        # By the member index: ``status || ''`` keeps the status out of the index choice, which
        # SQLite would otherwise make by it (an equality beats a range without statistics) and
        # walk every pending row of the outbox per page — all of this broadcast's so far.
        for member_id, lesson_id in session.execute(
                select(_OUTBOX.c.member_id, lesson_of)
                .where(_OUTBOX.c.member_id.between(low, high), _OUTBOX.c.purpose == study.PUSH_PURPOSE,
                       _OUTBOX.c.status.concat("").in_(_HAS_IT))):
            if lesson_id is not None:
                have.setdefault(member_id, set()).add(lesson_id)
        planned = []
        for member in page:
            mine = have.get(member.member_id, ())
            # The first lesson in order they neither have nor have coming (study.pick_next's
            # first choice; its fallback, the one read longest ago, is never pushed again).
            lesson_id = next((i for i in self._lessons_for(member.branch_id) if i not in mine), None)
            if lesson_id is not None:
                planned.append(Planned(member.member_id, member.openid, study.PUSH_PURPOSE, "news",
                                       self._payload(member.member_id, lesson_id)))
        return planned


class Digest:
    """The same digest text for every member (none when no lesson was added in the week)."""

    def __init__(self, text: str | None) -> None:
        self.payload = json.dumps(Text(text).as_json()) if text else None

    def for_page(self, session: Session, page: Sequence) -> list[Planned]:
        """One digest message per member of ``page``."""
        if self.payload is None:
            return []
        return [Planned(m.member_id, m.openid, DIGEST_PURPOSE, "text", self.payload) for m in page]


def build(session: Session, rule: Content, run_at: dt.datetime, schedule_key: str,
          links: Links | None = None) -> NextUnread | Digest:
    """The content of one run of ``rule`` due at ``run_at``, lessons linked through ``links``
    (each member's reading link; the lesson's own url when ``None``). A title of a named list
    the library lacks is logged as an error naming ``schedule_key``
    (``scheduler.lesson_schedules.0``) and left out; the rest still go."""
    if rule.kind == "digest":
        return Digest(digest_text(session, rule.category, run_at))
    scope, today = LessonScope.load(session), run_at.astimezone(SHANGHAI).date()
    if rule.kind == "next_unread":
        return NextUnread(study.library(session, rule.category, published_by=today), scope, links)
    named: dict[str, Lesson] = {}
    for lesson in session.scalars(select(Lesson).where(Lesson.code.in_(rule.lessons) | Lesson.title.in_(rule.lessons))
                                  .order_by(Lesson.sequence, Lesson.id)):
        named.setdefault(lesson.title, lesson)
        if lesson.code:
            named[lesson.code] = lesson  # a code (编号) names one lesson, before any title
    for name in rule.lessons:
        if name not in named:
            log.error("%s.content.lessons: no lesson coded or titled %r in the library; left out", schedule_key, name)
    listed = {named[n].id: named[n] for n in rule.lessons if n in named}.values()
    # a lesson named before its publish date waits for it, as in the library
    return NextUnread([lesson for lesson in listed if study.published(lesson, today)], scope, links)


def digest_text(session: Session, category: str | None, run_at: dt.datetime) -> str | None:
    """The week's digest (每周学习汇总) at ``run_at``: the lessons (of ``category``) published
    (``published_on``) or, without a publish date, added in the :data:`DIGEST_DAYS` days before, oldest first, one line each with its link, within a
    customer-service text's 2048 bytes; ``None`` when there are none."""
    since = run_at - dt.timedelta(days=DIGEST_DAYS)
    first_day, last_day = (d.astimezone(SHANGHAI).date() for d in (since, run_at))
    # Published in the week (publish date, a Beijing day), or added then when it has none.
    in_week = ((Lesson.published_on > first_day) & (Lesson.published_on <= last_day)) | (
        Lesson.published_on.is_(None) & (Lesson.created_at > since) & (Lesson.created_at <= run_at))
    query = select(Lesson).where(in_week).order_by(Lesson.created_at, Lesson.sequence, Lesson.id)
    if category is not None:
        query = query.where(Lesson.category == category)
    lessons = list(session.scalars(query))
    if not lessons:
        return None
    first, last = (d.astimezone(SHANGHAI) for d in (since, run_at))
    heading = (f"每周学习汇总（{first.month}月{first.day}日—{last.month}月{last.day}日）："
               f"本周新上线{len(lessons)}篇学习内容")
    lines = (f"【{CATEGORY_NAMES[lesson.category]}】{lesson.title} {lesson.url}" for lesson in lessons)
    return numbered_list(heading, lines, len(lessons), lambda left: f"\n另有{left}篇，回复“学习”查看。")
