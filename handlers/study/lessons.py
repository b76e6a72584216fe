"""Giving a member a lesson in chat: today's (of a category), the next one, the one before, and
the next after they say they finished one (我学完了).

Today's lesson stays the same all day until the member finishes it, so tapping 学习 twice never
skips a lesson; 下一课 moves on at once. The lesson they are on is the one last put in front of
them (``models.study_history``): 上一课 steps back through what they were given, 下一课 steps
forward again and then on to the next unread lesson (of the category they were reading, while it
has unread ones).
"""
from __future__ import annotations

import datetime as dt
import re

from handlers.context import Context
from handlers.study.lesson_text import (
    NEXT_STEPS,
    TALK_TO_SOMEONE,
    day,
    lesson_text,
    nothing_to_study,
)
from models import study, study_history
from models.broadcasts.waiting import take_waiting, waiting_count
from models.hanzi import book_title
from models.lesson import CATEGORY_NAMES, Lesson
from models.study_history import Given

# "学习 党史", "学习乱七八糟": a study word, then a name the router found no category in.
NAMED_ASK = re.compile(r"^(?:我想|我要|想|要)?学(?:习)?\s*(?P<name>[\u4e00-\u9fff]{2,8})$")
# What may follow 学习 without naming anything: 学习一下, 学习资料, 学习学习.
NOT_A_NAME = ("一下", "一会", "一篇", "资料", "内容", "材料", "打卡", "学习", "什么", "啥", "点", "吧", "了")
# Said to members who received every lesson, whether or not they said 学完了 of each.
ALL_READ = "资料库里的学习资料您都收到过了，新资料上线后会推送给您；想温习以前的，发“往期”。"


def todays(ctx: Context, category: str | None, said: str) -> str:
    """学习 (of ``category``): a lesson a scheduled push holds for the member, else today's lesson
    (``models.study.todays_lesson``). A name the library has no category for ("学习 党史") gets
    today's lesson and the categories there are."""
    now, member_id = ctx.clock.now(), ctx.card.id
    if category is None:
        waiting = _waiting(ctx, now)
        if waiting is not None:
            return waiting
    pick = study.todays_lesson(ctx.session, member_id, now, category)
    if pick is None:
        return nothing_to_study(ctx, category)
    study.record_delivery(ctx.session, member_id, pick.lesson.id, study.CATEGORY_SOURCE if category else "request", now)
    opening = _review_opening(category) if pick.review else _todays_opening(category)
    unmatched = None if category else _unmatched_name(said, ctx)
    if unmatched is None:
        return lesson_text(ctx, pick.lesson, opening, closing=_closing(category))
    names = [CATEGORY_NAMES[c] for c in study.stocked_categories(ctx.session)]
    closing = (f"现有的类别：{'、'.join(names)}。想看哪一类，请发“学习”加类别名，"
               f"例如“学习 {names[-1]}”。")
    return lesson_text(ctx, pick.lesson, opening, note=f"资料库里没有“{unmatched}”这一类资料。", closing=closing)


def next_one(ctx: Context, category: str | None) -> str:
    """下一课: the lesson given after the one the member is on, when they stepped back; else the
    next unread one (of ``category``, or of the category they were reading)."""
    now = ctx.clock.now()
    on = study_history.current(ctx.session, ctx.card.id)
    if on is not None and category is None:
        later = _later_given(ctx, on)
        if later is not None:
            study_history.show(ctx.session, later, now)
            return lesson_text(ctx, later.lesson, f"下一篇（{day(later.delivered_at)}收到的）：")
    reading = on.lesson.category if category is None and on is not None and on.shown_as == study.CATEGORY_SOURCE \
        else None
    pick, category = _next_pick(ctx, category, on)
    if pick is None:
        return nothing_to_study(ctx, category)
    study.record_delivery(ctx.session, ctx.card.id, pick.lesson.id,
                          study.CATEGORY_SOURCE if category else "request", now)
    opening = _review_opening(category) if pick.review else "下一篇学习资料："
    if reading is not None and category is None and not pick.review and pick.lesson.category != reading:
        # The kind they asked for has nothing new left: say the next one is of another kind.
        opening = f"{CATEGORY_NAMES[reading]}方面的资料都发给您了，下一篇换一类："
    return lesson_text(ctx, pick.lesson, opening, closing=_closing(category))


def previous(ctx: Context) -> str:
    """上一课: the lesson given to the member before the one they are on."""
    on = study_history.current(ctx.session, ctx.card.id)
    if on is None:
        return f"{ctx.card.name}，您还没有收到过学习资料。发“学习”看今天的学习资料。"
    before = study_history.beside(ctx.session, ctx.card.id, on, later=False)
    if before is None:
        return (f"{ctx.card.name}，{book_title(on.lesson.title)}是您收到的第一篇，前面没有了。"
                "发“往期”看收到过的资料，发“下一课”接着学。")
    study_history.show(ctx.session, before, ctx.clock.now())
    return lesson_text(ctx, before.lesson, f"上一篇（{day(before.delivered_at)}收到的）：")


def finish(ctx: Context, lesson: Given, now: dt.datetime) -> str:
    """我学完了 about ``lesson`` (one the member was given): the finish recorded (the first one
    kept when said twice), thanks, and the next unread lesson — never the same one again."""
    if study_history.complete(ctx.session, lesson, now):
        thanks = f"已记下您学完了{book_title(lesson.lesson.title)}，谢谢您坚持学习！"
    else:
        thanks = f"{book_title(lesson.lesson.title)}已经记过学完了，谢谢您坚持学习！"
    pick, category = _next_pick(ctx, None, lesson)
    if pick is None or pick.review:
        return f"{ctx.card.name}，{thanks}{ALL_READ}"
    study.record_delivery(ctx.session, ctx.card.id, pick.lesson.id,
                          study.CATEGORY_SOURCE if category else "request", now)
    return lesson_text(ctx, pick.lesson, "接着学下一篇：", note=thanks, closing=_closing(category))


def first_lesson(ctx: Context) -> str:
    """我学完了 from a member who was never given a lesson: the one to start with."""
    now = ctx.clock.now()
    pick = study.todays_lesson(ctx.session, ctx.card.id, now)
    if pick is None:
        return nothing_to_study(ctx, None)
    study.record_delivery(ctx.session, ctx.card.id, pick.lesson.id, "request", now)
    return lesson_text(ctx, pick.lesson, "还没有给您发过学习资料，先从这一篇开始吧：")


def _next_pick(ctx: Context, category: str | None, on: Given | None) -> tuple[study.LessonPick | None, str | None]:
    """The next lesson and the category it was chosen in: of ``category`` when asked; else of
    the category of the lesson the member is on (``on``) when it was last given by category
    (学习 政策, even a lesson they first got otherwise) and it has unread lessons left; else of the
    whole library."""
    if category is None and on is not None and on.shown_as == study.CATEGORY_SOURCE:
        pick = study.next_lesson(ctx.session, ctx.card.id, ctx.clock.now(), on.lesson.category)
        if pick is not None and not pick.review:
            return pick, on.lesson.category
    return study.next_lesson(ctx.session, ctx.card.id, ctx.clock.now(), category), category


def _later_given(ctx: Context, on: Given) -> Given | None:
    """The lesson given after ``on`` that 下一课 steps forward to: the first not finished; when
    every later one is finished, ``None`` if an unread lesson waits (it comes next instead), else
    the one right after ``on`` (nothing new to give, so stepping on through what was given).
    When ``on`` was last given by category, only lessons of that category count: stepping to
    another kind would leave it, and 学习 政策 would bring the member back round again."""
    kind = on.lesson.category if on.shown_as == study.CATEGORY_SOURCE else None
    later = study_history.beside(ctx.session, ctx.card.id, on, later=True, category=kind)
    step = later
    while step is not None and study_history.finished(step):
        step = study_history.beside(ctx.session, ctx.card.id, step, later=True, category=kind)
    if step is not None or later is None:
        return step
    pick, _ = _next_pick(ctx, None, on)
    return None if pick is not None and not pick.review else later


def _todays_opening(category: str | None) -> str:
    # a kind asked for (有没有法律方面的微课) is named: it is not the day's lesson
    return f"{CATEGORY_NAMES[category]}方面的学习资料：" if category else "今天的学习资料："


def _review_opening(category: str | None) -> str:
    scope = f"“{CATEGORY_NAMES[category]}”类的资料" if category else "资料库里的学习资料"
    return f"{scope}您都收到过了，今天温习这一篇："


def _waiting(ctx: Context, now: dt.datetime) -> str | None:
    """The oldest lesson a scheduled push held for the member until they asked
    (``models.broadcasts.waiting``), now given in this reply, with how many more wait; ``None``
    when nothing waits."""
    sender = ctx.sender
    if sender is not None and not (sender.waiting or sender.deferred):
        return None  # the message's one read of the sender saw nothing held (nor to release now)
    lesson_id = take_waiting(ctx.session, ctx.card.id, now)
    lesson = ctx.session.get(Lesson, lesson_id) if lesson_id is not None else None
    if lesson is None:
        return None
    left = waiting_count(ctx.session, ctx.card.id)
    closing = f"还有{left}条新的学习内容，回复“学习”接着看。" if left else NEXT_STEPS
    return lesson_text(ctx, lesson, "推送给您的学习资料：", closing=closing)


def _closing(category: str | None) -> str:
    return TALK_TO_SOMEONE if category == "psychology" else NEXT_STEPS


def _unmatched_name(said: str, ctx: Context) -> str | None:
    """The name in "学习 党史" when the member named something specific, else ``None``. A word
    another capability answers to ("学习 开会", chosen as 学习 from the numbered question) is
    that other request, not a kind of lesson."""
    match = NAMED_ASK.match(said.strip())
    if match is None or match["name"].startswith(NOT_A_NAME):
        return None
    if any(intent.vocabulary.declares(match["name"]) for intent in ctx.intents if intent.name != "study"):
        return None
    return match["name"]
