"""How study answers read: one lesson with its link and the next step, the answer when there is
nothing to study, and dates as members say them."""
from __future__ import annotations

import datetime as dt

from handlers.context import Context
from models import study
from models.clock import SHANGHAI
from models.lesson import CATEGORY_NAMES

# A member asking about feelings (心里憋得慌, 睡不着) may need a person more than a lesson: the
# psychology lesson closes by offering both. 12356 is the national psychological assistance
# hotline (国家卫生健康委员会, nationwide since 2025-01-01).
TALK_TO_SOMEONE = "心里有事憋着难受，也可以找人说说：发“联络员”，联络员会联系您；也可以打全国心理援助热线 12356。"
# What a member can do with the lesson in front of them.
NEXT_STEPS = "学完请回“学完了”；换一篇发“下一课”，看别的类别发“学习 法律”“学习 职业技能”等。"
EMPTY_LIBRARY = "学习资料正在准备中，暂时还没有可学的内容。新资料上线后会推送给您；现在可以发“菜单”看看其他服务。"


def reading_link(ctx: Context, lesson) -> str:
    """Where the member taps to read ``lesson`` (a lesson row or ``Lesson``): the one place a
    lesson's link is put in a reply — the lesson's own ``url`` until links that record the
    opening per member (``/r/<token>``, ``models.reading.reading_url``) are wired here."""
    return lesson.url


def lesson_text(ctx: Context, lesson, opening: str, note: str = "", closing: str = NEXT_STEPS) -> str:
    """``张某，{note}{opening}`` then the lesson (【类别】title, summary, link) and ``closing``.
    ``lesson``: a lesson row or ``Lesson``."""
    # A text reply rather than a news card: it carries the next step, and WeChat turns the
    # plain URL into a link the member taps.
    summary = f"\n{lesson.summary}" if lesson.summary else ""
    return (f"{ctx.card.name}，{note}{opening}\n【{CATEGORY_NAMES[lesson.category]}】{lesson.title}{summary}\n"
            f"点击查看：{reading_link(ctx, lesson)}\n{closing}")


def nothing_to_study(ctx: Context, category: str | None) -> str:
    """The answer when the library (or ``category`` of it) has no lesson to give."""
    stocked = study.stocked_categories(ctx.session)
    person = f"\n{TALK_TO_SOMEONE}" if category == "psychology" else ""
    if category is None or not stocked:
        return f"{EMPTY_LIBRARY}{person}"
    others = "、".join(CATEGORY_NAMES[c] for c in stocked)
    return (f"“{CATEGORY_NAMES[category]}”类的资料正在准备中。您可以发“学习”看今天的学习资料，"
            f"或换个类别：{others}。{person}")


def day(moment: dt.datetime) -> str:
    """``12月6日``: the Beijing date of an aware ``moment``, as members write it."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日"
