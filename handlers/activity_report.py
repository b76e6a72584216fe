"""志愿服务 (activity_report)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "activity_report"
USAGE = "志愿服务 —— 报一件好事"
PUBLIC = False
# Routing (see nlu.lexicon): volunteering, a good deed done, a "five ones" activity.
KEYWORDS: dict[str, float] = {
    "志愿": 4, "义务": 3, "义务劳动": 4, "好人好事": 4, "好事": 3, "五个一": 4, "捐了": 3,
    "捐款": 3, "捐赠": 3, "献血": 3, "帮邻居": 3, "帮工友": 2.5, "帮村里": 3, "给村里": 2,
    "看望": 2.5, "慰问": 3, "送了": 2, "扶了": 2.5, "清理": 2, "清了": 2, "做点事": 2.5,
    "记上": 2, "记一下": 1.5, "能报吗": 1.5, "上报": 2, "算不算": 1, "报名": 1.5, "宣传": 2,
    "帮着": 1.5, "五保户": 2.5, "困难户": 2.5, "敬老院": 3, "抓住": 1.5, "小偷": 2,
    "组织了": 2, "组织工友": 2.5, "活动": 1, "带动": 2.5, "引进": 2, "带回": 2,
}
# 五个一 "bring workers along": 带了三个老乡出来.
PATTERNS: dict[str, float] = {r"带(?:了|着)?.{0,4}(?:老乡|工友|乡亲|同村|同乡|村里人)": 3}
SYNONYMS: dict[str, str] = {"自原": "志愿", "志原": "志愿", "自愿者": "志愿者", "小头": "小偷"}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Good deeds are reported to a person for now: say what to send and to whom."""
    return TextReply("谢谢您参加志愿服务、为家乡做好事！请把做了什么、时间地点和照片发给您的红色联络员，"
                     f"支部审核后记入积分。{who_to_contact(ctx)}")
