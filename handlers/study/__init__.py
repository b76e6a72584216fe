"""Study (学习): today's lesson from the library, with its link."""
from __future__ import annotations

import re

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from handlers.study.vocabulary import VOCABULARY
from models import study
from models.lesson import CATEGORY_NAMES

NAME = "study"


# A member asking about feelings (心里憋得慌, 睡不着) may need a person more than a lesson: the
# psychology lesson closes by offering both. 12356 is the national psychological assistance
# hotline (国家卫生健康委员会, nationwide since 2025-01-01).
TALK_TO_SOMEONE = "心里有事憋着难受，也可以找人说说：发“联络员”，联络员会联系您；也可以打全国心理援助热线 12356。"
# Words asking to move on past today's lesson ("下一课", "接着学", "再来一个").
MORE_WORDS = ("下一", "接着", "继续", "再来", "换一")
# "学习 党史", "学习乱七八糟": a study word, then a name the router found no category in.
NAMED_ASK = re.compile(r"^(?:我想|我要|想|要)?学(?:习)?\s*(?P<name>[\u4e00-\u9fff]{2,8})$")
# What may follow 学习 without naming anything: 学习一下, 学习资料, 学习学习.
NOT_A_NAME = ("一下", "一会", "一篇", "资料", "内容", "材料", "打卡", "学习", "什么", "啥", "点", "吧", "了")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Today's lesson (of the asked category, from the router's ``category`` slot), with its
    link, or the next one when the member asks to move on (``MORE_WORDS``); the delivery is
    recorded the first time a lesson reaches the member that day. A name the library has no
    category for ("学习 党史") gets today's lesson and the categories there are."""
    category = ctx.route.slots.get("category") if ctx.route else None
    if category not in CATEGORY_NAMES:
        category = None  # no category asked, or one the library does not have: today's lesson
    now = ctx.clock.now()
    said = (ctx.route.normalised if ctx.route else "") or msg.text or ""
    moving_on = any(word in said for word in MORE_WORDS)
    if moving_on:
        pick = study.next_lesson(ctx.session, ctx.card.id, category)
    else:
        pick = study.todays_lesson(ctx.session, ctx.card.id, now, category)
    if pick is None:
        return TextReply(_nothing_to_study(ctx, category))
    if not pick.delivered_today:
        source = study.CATEGORY_SOURCE if category else "request"
        study.record_delivery(ctx.session, ctx.card.id, pick.lesson.id, source, now)
    unmatched = None if category or moving_on else _unmatched_name(said, ctx)
    if unmatched is None:
        if category == "psychology":
            return TextReply(_lesson_text(ctx.card.name, pick, category, moving_on,
                                          closing=TALK_TO_SOMEONE))
        return TextReply(_lesson_text(ctx.card.name, pick, category, moving_on))
    names = [CATEGORY_NAMES[c] for c in study.stocked_categories(ctx.session)]
    closing = (f"现有的类别：{'、'.join(names)}。想看哪一类，请发“学习”加类别名，"
               f"例如“学习 {names[-1]}”。")
    return TextReply(_lesson_text(ctx.card.name, pick, None, False,
                                  note=f"资料库里没有“{unmatched}”这一类资料。", closing=closing))


def _unmatched_name(said: str, ctx: Context) -> str | None:
    """The name in "学习 党史" when the member named something specific, else ``None``. A word
    another capability answers to ("学习 开会", chosen as 学习 from the numbered question) is
    that other request, not a kind of lesson."""
    match = NAMED_ASK.match(said.strip())
    if match is None or match["name"].startswith(NOT_A_NAME):
        return None
    if any(intent.vocabulary.declares(match["name"]) for intent in ctx.intents if intent.name != NAME):
        return None
    return match["name"]


def _lesson_text(name: str, pick: study.LessonPick, category: str | None, moving_on: bool,
                 note: str = "", closing: str = "想学别的类别，可以发“学习 法律”“学习 职业技能”等。") -> str:
    # A text reply rather than a news card: it carries the next step, and WeChat turns the
    # plain URL into a link the member taps.
    lesson = pick.lesson
    if pick.review:
        scope = f"“{CATEGORY_NAMES[category]}”类的资料" if category else "资料库里的学习资料"
        opening = f"{scope}您都学过了，今天温习这一篇："
    else:
        opening = f"{'下一篇' if moving_on else '今天的'}学习资料："
    summary = f"\n{lesson.summary}" if lesson.summary else ""
    return (f"{name}，{note}{opening}\n【{CATEGORY_NAMES[lesson.category]}】{lesson.title}{summary}\n"
            f"点击阅读：{lesson.url}\n{closing}")


def _nothing_to_study(ctx: Context, category: str | None) -> str:
    stocked = study.stocked_categories(ctx.session)
    person = f"\n{TALK_TO_SOMEONE}" if category == "psychology" else ""
    if category is None or not stocked:
        return ("学习资料正在准备中，暂时还没有可学的内容。新资料上线后会推送给您；"
                f"现在可以发“菜单”看看其他服务。{person}")
    others = "、".join(CATEGORY_NAMES[c] for c in stocked)
    return (f"“{CATEGORY_NAMES[category]}”类的资料正在准备中。您可以发“学习”看今天的学习资料，"
            f"或换个类别：{others}。{person}")


INTENT = Intent(name=NAME, usage="学习 —— 看今天的学习资料", offer=Offer("看今天的学习资料", "学习"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(owns_about=True),
                handle=handle)
