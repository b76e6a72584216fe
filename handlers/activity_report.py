"""志愿服务 (activity_report)."""
from __future__ import annotations

import re

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "activity_report"
USAGE = "志愿服务 —— 怎么参加、做了好事怎么报"
OFFER = ("了解志愿服务怎么参加、做了好事怎么报", "志愿服务")
PUBLIC = False
# Routing (see nlu.lexicon): volunteering, a good deed done, a "five ones" activity.
KEYWORDS: dict[str, float] = {
    "志愿": 4, "义务": 3, "义务劳动": 4, "好人好事": 4, "好事": 3, "五个一": 4, "捐了": 3,
    "捐款": 3, "捐赠": 3, "献血": 3, "帮邻居": 3, "帮工友": 2.5, "帮村里": 3, "给村里": 2,
    "看望": 2.5, "慰问": 3, "送了": 2, "扶了": 2.5, "清理": 2, "清了": 2, "做点事": 2.5,
    "记上": 2, "记一下": 1.5, "能报吗": 1.5, "上报": 2, "算不算": 1, "报名": 1.5, "宣传": 2,
    "帮着": 1.5, "五保户": 2.5, "困难户": 2.5, "敬老院": 3, "抓住": 1.5, "小偷": 2,
    "活动": 1, "带动": 2.5, "引进": 2, "带回": 2,
    "养老院": 3, "表演": 1.5, "扶贫": 2, "争取到": 2, "贡献": 2.5, "为家乡": 2.5, "为村里": 2.5,
    "捡垃圾": 3, "打扫": 2, "清扫": 2, "送过去": 2, "送去": 2, "给村": 2,
    "救了": 3, "救起": 3, "见义勇为": 4, "报上去": 1.5, "怎么报": 1.5, "义诊": 3, "义卖": 3, "支教": 3,
    # what volunteers do: plant, patrol, guide, hand in what they find
    "植树": 3, "种树": 3, "巡逻": 2.5, "值守": 2.5, "劝导": 2.5, "垃圾分类": 2.5, "让座": 3,
    "捡到": 2.5, "拾到": 2.5, "拾金不昧": 4, "交给派出所": 3, "物归原主": 3, "抗洪": 3, "扛沙袋": 3,
    "福利院": 3, "孤儿院": 3, "留守儿童": 2, "垫付": 2.5, "帮扶": 1.5,
    "牵头": 3, "党员作用": 3, "发挥作用": 2.5, "凑钱": 2, "凑了": 1.5,
}
# 五个一 "bring workers along": 带了三个老乡出来.
PATTERNS: dict[str, float] = {
    r"带(?:了|着)?.{0,4}(?:老乡|工友|乡亲|同村|同乡|村里人)": 3,
    r"(?:给|帮)(?:老乡|工友|乡亲|同村|同乡)(?:们)?.{0,2}(?:介绍|找)(?:了)?(?:个|份)?(?:活|工作)": 3,
    # organising others (组织工友学消防, 组织了一次捐款)
    r"组织(?:了)?(?:一次|一场|工友|老乡|乡亲|大家|大伙|村民|党员|居民|同事|工人)": 3.5,
    # helping someone with a task (帮环卫工人推车, 帮邻居修房顶) — not 帮我 / 帮忙, which ask for help
    r"帮(?![我俺忙帮])[\u4e00-\u9fff]{1,8}?(?:推|搬|修|扫|送|收|打扫|清理|买|找到|找回|送回|扶|扛|抬|背|拎|提)": 2.5,
    # giving to people in need: 给山区的娃寄了些衣服, 给灾区捐了
    r"给(?![我俺])[\u4e00-\u9fff]{0,4}?(?:山区|灾区|贫困|困难|留守|孤寡|孤儿|老人|娃|孩子|学生|学校|乡亲)"
    r"[\u4e00-\u9fff]{0,3}?(?:寄|送|捐|买)了": 3,
    r"让了?(?:个)?座": 3,
    # coming to someone's rescue: 帮着打了120, 叫了救护车, 陪他去的医院, 把钱包交给了保安
    r"(?:打|叫)了(?:个)?(?:120|110|119|救护车|急救)": 3,
    r"帮着(?:报警|打电话|拦车|指挥|救人|抢救|灭火)": 3,
    r"(?:送|陪|背)(?:他|她|人|人家|老人|大爷|大妈|大娘|工友|孩子|病人)(?:们)?(?:去|到)(?:了|的)?医院": 3.5,
    r"(?:交给|还给|送还)(?:了)?(?:保安|警察|派出所|失主|民警|物业|车主|老人家)": 3,
    # teaching others for free: 给留守儿童上了一堂课, 给工友讲了安全知识
    r"给(?![我俺])[\u4e00-\u9fff]{1,8}?(?:上|讲)了?.{0,3}(?:课|知识)": 3.5,
    # cleaning up: 捡了一上午的垃圾, 清了河道, 扫了半天雪
    r"(?:捡|清|扫|收拾|打扫|清理)(?:了)?.{0,5}(?:垃圾|河道|水沟|积雪|雪|卫生|白色污染)": 3,
    # helping out somewhere (在社区帮忙, 去敬老院帮忙) — not asking for help
    # paying or covering for someone else (帮工友垫付了医药费, 替老乡交了房租): a good turn
    r"(?:帮|替|给)(?![我俺])(?:工友|老乡|邻居|乡亲|同事|老人|孩子|病人)[\u4e00-\u9fff]{0,3}?(?:垫|付|交|出)了": 3,
    # fighting a fire or getting people out (拿灭火器把火压住, 帮忙疏散老人和孩子)
    r"(?:用|拿|抱)(?:着|了)?灭火器|把火(?:扑灭|压住|灭了|浇灭)|疏散|(?:救|背|抱|拉)(?:了)?出来": 3.5,
    # mending something everyone uses: 把村口那个大坑给填平了, 把路灯修好了
    r"把[\u4e00-\u9fff]{0,8}?(?:坑|路|桥|沟|渠|井盖|路灯|水管|河道)(?:给)?"
    r"(?:填平|铺平|垫平|修好|补好|疏通|铲平|修通|通)了": 3,
    r"(?:在|去|到|给)(?:社区|村里|敬老院|养老院|学校|街道|车站|医院|灾区|小区)[\u4e00-\u9fff]{0,3}?帮忙": 3.5,
}
SYNONYMS: dict[str, str] = {"自原": "志愿", "志原": "志愿", "自愿者": "志愿者", "小头": "小偷"}


# "有没有志愿服务活动", "想参加志愿服务": asking to take part, not reporting a deed done.
ASKS_TO_JOIN = re.compile(r"有没有|有啥|有什么|哪里有|怎么参加|想参加|能参加|报名|想去|想做")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Good deeds are reported to a person for now: say what to send and to whom. A member
    asking how to take part is told who organises it."""
    if ASKS_TO_JOIN.search(msg.text or ""):
        return TextReply("志愿服务活动由支部和当地阳光驿站组织，想参加的话告诉您的红色联络员，有活动会通知您；"
                         f"做了好事也可以随时报给联络员，审核后记入积分。{who_to_contact(ctx)}")
    return TextReply("谢谢您参加志愿服务、为家乡做好事！请把做了什么、时间地点和照片发给您的红色联络员，"
                     f"支部审核后记入积分。{who_to_contact(ctx)}")
