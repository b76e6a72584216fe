"""Study (学习): today's lesson from the library, with its link."""
from __future__ import annotations

import re

from handlers.context import Context, Incoming
from handlers.replies import Reply, TextReply
from models import study
from models.lesson import CATEGORY_NAMES

INTENT = "study"
USAGE = "学习 —— 看今天的学习资料"
OFFER = ("看今天的学习资料", "学习")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): asking for lessons, and the lesson category a member names.
KEYWORDS: dict[str, float] = {
    "学习": 3, "学一会": 3, "学点": 3, "想学": 3, "学学": 3, "学一下": 2, "课": 2, "课程": 3,
    "技能课": 3, "网课": 3, "听课": 3, "看课": 3, "下一课": 3, "下一节": 3, "上一节": 3,
    "下一集": 3, "继续": 2, "视频": 2, "微视频": 4, "云课堂": 4, "学习资料": 4, "学习内容": 4,
    "资料": 1.5, "材料": 1.5, "文件": 1.5, "解读": 2.5, "政策": 2, "新闻": 3, "消息": 2,
    "动态": 2, "报道": 3, "事迹": 3, "故事": 2.5, "知识": 1.5, "法律": 1.5, "法律知识": 3, "想看看": 1.5, "听听": 1.5, "技能": 2,
    "打卡": 2, "推送": 1.5, "推点": 2, "推一个": 2, "放一个": 1.5, "讲讲": 1.5, "发展": 1,
    "教": 1.5, "开导": 1.5, "音频": 1.5, "接着看": 3, "接着学": 3, "看完了": 1.5, "没看完": 2, "下一讲": 3,
    "学": 1.5, "要学": 2.5, "有没有讲": 2, "心理": 2, "睡不着": 1.5, "下载": 2.5, "缓存": 2.5,
    "讲解": 2.5, "来点": 1, "学法": 3, "了解一下": 1.5, "想了解": 2, "一节课": 2.5, "一堂课": 2.5, "下一个": 2, "换一个": 2,
    "再来一个": 2, "上课": 2.5, "下一篇": 3, "换一篇": 3, "再来一篇": 3, "另一篇": 3, "换一换": 2.5,
    "换一批": 2.5, "讲座": 3, "培训": 2.5, "宣讲": 1.5, "辅导": 1.5,
    # longer words that hold a study word but are not a lesson (0 hides the shorter word)
    "短视频": 0, "看视频": 0, "新闻联播": 0, "天气预报": 0, "电视剧": 0,
}
# 第12集 / 上一集: an episode of a lesson
PATTERNS: dict[str, float] = {r"第\d+(?:集|课|节|讲)": 2.5, r"[上下]一?(?:集|课|节|讲)": 3,
                              # one that is about …: 讲榜样人物的, 讲焊工的视频
                              r"讲[\u4e00-\u9fff]{1,8}的": 1.5}
SYNONYMS: dict[str, str] = {"知试": "知识", "政册": "政策", "正策": "政策", "咨循": "咨询",
                            # 心里 (in the heart) typed for 心理 (psychology); both are real words,
                            # so no generated typo covers them
                            "心里咨询": "心理咨询", "心里咨循": "心理咨询", "心里健康": "心理健康", "心里辅导": "心理辅导",
                            "心里疏导": "心理疏导", "心里医生": "心理医生", "心里学": "心理学"}
# Naming a kind of lesson (劳动法, 条例, 榜样人物) asks for it (see handlers.nlu.lexicon).
SLOT_EVIDENCE = 1.0
# Kinds of law and of farm work are too many to list: 劳动合同法, 养鸡, 种蘑菇.
SLOT_PATTERNS: dict[str, dict[str, str]] = {"category": {
    "law": r"(?:合同|劳动|婚姻|土地|承包|继承|治安|交通|安全|生产|环保|税|刑|民|宪|选举|社会保险|保护|保障"
           r"|促进|救助|工会|教育|消费者|妇女|未成年人|食品安全|道路交通)法",
    # 教修空调, 学做菜, 学开叉车: learning a trade by its verb
    "skills": r"(?:教|学)(?:人|大家|我)?(?:修|做|开|焊|装|烧|剪|编|织)[\u4e00-\u9fff]"
              r"|养(?:鸡|鸭|鹅|猪|牛|羊|鱼|虾|蟹|蜂|兔)|种(?:菜|果|树|粮|药材|蘑菇|茶|大棚)"
              # keeping livestock and crops well: 鸡瘟怎么预防, 病虫害, 嫁接
              r"|[鸡鸭鹅猪牛羊鱼虾兔蜂]瘟|禽流感|病虫害|虫害|施肥|嫁接|育苗",
    # how it feels, not a word for it: 心里头老是憋得慌, 心里堵得慌
    "psychology": r"心里(?:头|面)?(?:老是|总是|一直|有点|特别|很|好)?(?:憋|闷|堵|难受|不痛快|不好受|发慌|空落落)",
    # a life told by the person's role: 讲乡村女校长办学的, 讲老支书的
    "exemplary": r"讲[\u4e00-\u9fff]{0,6}?(?:校长|支书|老书记|乡村医生|乡村教师|民警|老党员|老兵|劳模|英雄)",
}}
SLOT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {"category": {
    "law": ("法律", "法规", "普法", "劳动法", "法治", "婚姻法", "民法", "学法", "承包法", "合同法", "讨薪", "维权",
            "欠薪", "打官司",
            "民法典", "法条", "懂法", "法制", "反诈", "防骗", "维权知识", "法律常识"),
    "psychology": ("心理", "焦虑", "情绪", "开导", "疏导", "心情", "想家", "压力", "抑郁", "失眠",
                   "睡不着", "孤独", "心烦", "烦心", "心头烦", "烦躁", "郁闷", "想不开", "减压", "解压",
                   "调节", "调整心态"),
    "skills": ("技能", "技术", "手艺", "网店", "电商", "焊工", "电工", "厨师", "挖掘机", "种植",
               "养殖", "职业", "修车", "驾驶", "修手机", "修电脑", "维修", "网上卖", "直播带货", "开店",
               "电焊", "木工", "瓦工", "月嫂", "育婴", "叉车", "考证", "证书", "驾照", "教程", "剪辑",
               "剪映", "智能手机", "用手机", "电脑", "办公软件", "拍视频"),
    "exemplary": ("优秀党员", "事迹", "榜样", "故事", "先进", "最美", "模范", "楷模", "人物", "英雄",
                  "劳模"),
    "policy": ("政策", "文件", "解读", "新规", "规定", "条例", "党章", "党纪", "精神", "讲话",
               "会议精神", "养老保险", "医保", "社保", "补贴", "惠民", "怎么领", "怎么办理"),
    "news": ("新闻", "动态", "发展", "报道", "消息", "变化", "建设", "时事", "要闻", "国家大事",
             "大事"),
}}


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
        pick = study.next_lesson(ctx.session, ctx.member.id, category)
    else:
        pick = study.todays_lesson(ctx.session, ctx.member.id, now, category)
    if pick is None:
        return TextReply(_nothing_to_study(ctx, category))
    if not pick.delivered_today:
        source = study.CATEGORY_SOURCE if category else "request"
        study.record_delivery(ctx.session, ctx.member.id, pick.lesson.id, source, now)
    unmatched = None if category or moving_on else _unmatched_name(said)
    if unmatched is None:
        if category == "psychology":
            return TextReply(_lesson_text(ctx.member.name, pick, category, moving_on,
                                          closing=TALK_TO_SOMEONE))
        return TextReply(_lesson_text(ctx.member.name, pick, category, moving_on))
    names = [CATEGORY_NAMES[c] for c in study.stocked_categories(ctx.session)]
    closing = (f"现有的类别：{'、'.join(names)}。想看哪一类，请发“学习”加类别名，"
               f"例如“学习 {names[-1]}”。")
    return TextReply(_lesson_text(ctx.member.name, pick, None, False,
                                  note=f"资料库里没有“{unmatched}”这一类资料。", closing=closing))


def _unmatched_name(said: str) -> str | None:
    """The name in "学习 党史" when the member named something specific, else ``None``. A word
    another capability answers to ("学习 开会", chosen as 学习 from the numbered question) is
    that other request, not a kind of lesson."""
    from handlers.registry import INTENT_MODULES  # the registry imports this module

    match = NAMED_ASK.match(said.strip())
    if match is None or match["name"].startswith(NOT_A_NAME):
        return None
    if any(match["name"] in module.KEYWORDS for module in INTENT_MODULES.values()
           if module.INTENT != INTENT):
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
