"""Help requests (求助): a ticket for the member's red liaison.

A request with a description files at once. A bare ask (the 求助 menu button, "求助", "帮帮我😭")
asks what the difficulty is first, and a difficulty recognised only by its resemblance to
labelled examples, no word of it (``Route.guessed``: 我老婆生了 is no request, 站点扣了我八百块罚款
is), is confirmed before a liaison is bothered: the two dialogs of ``handlers.dialogs.help_request``.
The same request again while its ticket still waits is not filed twice
(``models.tickets.waiting_duplicate``).
"""
from __future__ import annotations

import re

from handlers import crisis, liaison, update_info
from handlers.context import Context, Incoming
from handlers.dialogs.help_request import ask_to_confirm, ask_what, description_in
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.contacts import contacts_for
from models.ticket import HELP_TOPICS, TOPIC_NAMES, Ticket
from models.tickets import (
    add_to_ticket,
    open_ticket,
    waiting_crisis,
    waiting_duplicate,
    waiting_same_matter,
)

INTENT = "help_request"
USAGE = "求助 + 遇到的困难 —— 联络员会尽快联系您"
OFFER = ("让联络员帮您解决困难", "求助")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): a real difficulty — asking for help, or naming a problem — and
# its topic. Topic order is priority: 工伤 in a medical-bill message is an injury case. Plain
# topic nouns (工资, 医院, 房子, 上学) are no keywords, only SLOT_EVIDENCE: 发工资了, 医院门口的面馆,
# 房子装修 name a topic without a difficulty.
KEYWORDS: dict[str, float] = {
    "求助": 4, "帮帮": 3, "帮忙": 2, "找人帮": 3, "派人": 2.5, "想想办法": 2.5, "没办法": 2.5,
    "出个主意": 2.5, "帮问问": 2, "帮我们问问": 2, "咋办": 2, "怎么办": 2, "咋整": 2, "咋弄": 1.5,
    "该找谁": 2, "难处": 3, "困难": 2, "维权": 3, "投诉": 2.5, "起诉": 3, "打官司": 3, "纠纷": 3,
    "律师": 2.5, "仲裁": 3, "劳动局": 2.5, "劳动监察": 3, "欠薪": 4, "讨薪": 3, "拖欠": 3,
    "工钱": 3, "没发": 2, "不给": 2, "不还": 2.5, "克扣": 3, "钱没下来": 3, "结账": 1.5,
    "工头": 1.5, "合理吗": 1.5, "工伤": 3, "受伤": 3, "骨折": 3, "烫伤": 3, "压伤": 3, "住院": 3,
    "看病": 3, "挂号": 2, "挂不上": 2, "医药费": 3, "医保": 2, "社保": 2, "断缴": 2,
    "发烧": 2.5, "牙疼": 2.5, "诊所": 2, "交不起": 3, "没钱": 2.5, "钱不够": 3, "没地方住": 3,
    "房东": 2.5, "宿舍": 1.5, "停水": 2, "停电": 2, "被拆": 3, "漏水": 2.5,
    "借读": 3, "入学": 2.5, "学籍": 3, "户口": 2, "助学": 2.5, "养老金": 3,
    "没人照顾": 3, "没人照看": 3, "顾不过来": 3, "照顾不了": 3, "没人管": 2.5, "不管": 1.5,
    "辞退": 3, "补偿": 2, "骗": 2, "报警": 2, "办不下来": 3, "办不了": 2.5, "不给办": 3, "不让": 1.5,
    "不收": 1.5, "没法": 1.5, "没辙": 2.5, "发愁": 2, "愁死": 2.5, "急死": 2, "欺负": 2.5,
    "腿脚不好": 2, "生病": 1.5, "没给": 2, "跑路": 3, "老板跑了": 3, "着火": 3, "火灾": 3, "烧没了": 3,
    "被偷": 3, "被盗": 3, "车祸": 3, "能不能有人": 2.5, "派个人": 2.5, "救急": 3, "急用钱": 3,
    "补助": 2, "太贵": 2, "低保": 3, "扣押": 3,
    # asking what to do, in words that carry no topic (dialect forms arrive as Mandarin:
    # 咋弄 → 怎么弄, see handlers.nlu.normalize.DIALECT)
    "怎么弄": 1.5, "怎么整": 2, "怎么个办": 2, "有什么办法": 2.5, "什么办法": 2, "找谁": 1.5,
    "说理": 2.5, "讨说法": 3, "讨个说法": 3, "没下文": 2, "不知道该": 1.5, "求救": 4, "救命": 3,
    "走投无路": 3, "白干": 3, "卷钱": 3, "催债": 2.5, "催收": 2.5, "报了警": 2, "被骗": 3,
    "怎么搞": 1.5, "怎么办才好": 2.5, "出事了": 3, "出了事": 3, "过不下去": 3, "撑不下去": 3,
    "太难了": 2, "失业": 3, "找不到工作": 3, "没活干": 3, "回不了家": 3, "救救": 4, "没拿到": 2,
    "救助": 3, "援助": 3, "帮扶": 2.5,
    # the other side going back on a debt or a deal
    "不认账": 3, "赖账": 3, "耍赖": 2.5, "翻脸不认": 3, "帮一把": 2.5, "拉一把": 2.5,
    # put out of a home, or the power cut to force it: 宿舍说下个月不让住了, 断水断电
    "不让住": 3, "不给住": 3, "找地方住": 2.5, "赶出来": 3, "断水": 2.5, "断电": 2.5, "拉了电闸": 3,
    "出出主意": 2.5, "进退两难": 3, "要收回": 2.5, "就得搬": 3,
    # somewhere to be seen now (胸口一阵阵疼 这附近哪有医院)
    "急事": 2.5, "着急的事": 2.5, "被车撞": 3, "撞伤": 3, "流血": 3, "出血": 2.5,
    "哪有医院": 2.5, "哪有诊所": 2.5, "去哪看病": 3, "去哪里看病": 3,
    # how to apply for something (怎么办个ETC, 怎么办理) is no distress
    "怎么办个": 0, "怎么办理": 0, "怎么办张": 0, "怎么办卡": 0,
}
# Hurt at work or on the way, either order: 闪了腰, 崴了脚, 摔断了腿 / 腰扭了, 手指头被机器夹了.
# (手 not in 手机 / 手续: 摔手机 is no injury; no 头: 碰头 is a meeting)
_BODY = "腰|腿|脚|手指头|手指|手(?!机|续|艺|术|套|表|里|上)|胳膊|脚踝|脑袋|背|脖子|骨头|肩膀|膝盖"
_HURT = "闪|扭|崴|摔|砸|夹|烫|割|切|压|碰|撞|刮|轧"
INJURY = (rf"(?:{_HURT})(?:了|到|伤|断|破)?(?:{_BODY})"
          rf"|(?:{_BODY})(?:被.{{0,4}})?(?:{_HURT})(?:了|伤|断|到|破)")
# What a worker is paid, under its many names.
PAY = "(?:工资|工钱|血汗钱|加班费|夜班费|提成|奖金|绩效|薪水|薪资|底薪|劳务费|辛苦钱|开支)"
# Pay held back or cut: 只给了一半, 扣了管理费, 少给了, 说好年底一起结.
PAY_CUT = (r"压着.{0,8}?(?:钱|费|工资)不(?:发|给|结)"
           r"|(?:一起|统一|年底|月底|完工|干完)再?结(?:账|算|钱)?|(?:只|就|才)给了?(?:一半|一点|几百|几千)"
           r"|扣了.{0,10}?(?:费|钱)|少给了"
           # months of pay not given: 仨月没给俺开支, 三个月没发工资, 没给我们结工钱
           r"|(?:\d|[一两二三四五六七八九十几仨俩半])+个?月(?:都|也|了)?(?:没|不)(?:给|发|结)"
           rf"|(?:没|不)(?:给|发|结)(?:我|俺|我们|俺们|工人|大伙|大家)?的?{PAY}")
# Nobody to look after someone: 没人照顾 / 没人看着 / 没人管 …
PATTERNS: dict[str, float] = {
    r"没(?:有)?人(?:照顾|照看|照应|看着|看著|看管|陪|管|知道|做饭|接送|带|帮)": 3,
    # something that cannot be got done: 报不上名, 挂不上号, 办不了, 住不起, 拿不到钱, 读不起书
    r"(?:挂|报|办|进|住|租|买|看|交|付|读|拿|要|讨|治|养)不(?:上|了|起|进去|到|回来|回)": 2.5,
    r"(?:上|读)不(?:了|起)学|没法(?:读书|上学|看病|住)|回不去|找不(?:到|着)": 1.5,
    # a fall: 从梯子上摔下来, 从架子上掉下来
    r"(?:摔|掉|跌|滚)(?:了)?下来": 3,
    # still unsettled: 工钱没着落, 孩子上学的事没着落, 报警了也没下文
    r"没(?:有)?(?:着落|下文)": 2.5,
    # money owed: 老板欠我钱, 拖欠工人的工钱, 赖账
    r"(?:欠|拖欠|赖)(?:了)?(?:我|俺|咱|我们|工人|大伙|大家)?(?:的)?(?:钱|工钱|工资|血汗钱|账|款)": 3,
    # pay that does not come: 工资还没到账, 工钱一直拖着, 加班费少算了
    rf"{PAY}(?:还|都|一直|又|总)?被?(?:没|不|拖|欠|少|扣)|{PAY}.{{0,6}}?没(?:结|发|给|到账|拿到)": 3,
    # the other side refuses: 厂里也不修, 老板不认, 学校不收, 房东不退
    r"(?:厂里|厂子|老板|公司|房东|学校|工头|包工头|单位|对方|医院|他们|人家)(?:也|就|又|一直|还|都|硬|死活)?"
    r"(?:不(?:给|认|管|修|收|赔|退|还|签|发|办|让|理|接)|没(?:给|管|修|赔|退|还|发))": 3,
    INJURY: 3,
    PAY_CUT: 2.5,
    # asking the branch to help: 能不能帮我…, 请村里帮个忙
    r"(?:能不能|可不可以|能否|能|请|求)(?:村里|组织|支部|你们|书记)?帮(?:我|俺|我们|俺们|个忙)": 2.5,
    r"帮(?:个|点)忙": 2.5,
    r"(?:扛|撑|顶|熬|挺)不(?:住|下去|过去)|吃不消|受不了"
    r"|(?:负担|承担|请|雇|付|花)不起": 2.5,
    r"(?:能不能|可不可以|能否|请|求)(?:村里|组织|支部|你们|书记)?帮着(?:找|问|想|催|联系|看看|解决)": 2.5,
    # money still short: 押金还差两万, 手术费还差一半
    r"(?:费|钱|押金|首付|学费|药费)(?:还|都)?差(?:\d|[一两二三四五六七八九十几好]|一半|不少)": 3,
    r"(?:费|钱)(?:不够|交不起|付不起|凑不齐|凑不够)": 3,
    # despair outweighs anything else in the message (handlers.crisis)
    crisis.CRISIS.pattern: 10,
    # money owed to the member, held back: 工地结账差我八千块一直拖着不给
    r"(?:差|欠|少)(?:我|俺|我们|俺们)(?:\d+|[一两二三四五六七八九十几]+)(?:多)?(?:块|元|万|千|百)"
    r"|拖着不(?:给|发|还|结|办)": 3,
    # how to get back what was taken: 咋要回来, 怎么才能拿回来
    r"(?:怎么|怎样|如何)(?:才能)?(?:要|拿|讨|弄)回(?:来)?": 2.5,
    r"得了.{0,6}(?:病|炎|癌|症|瘤)": 2.5,
    # pain: 胸口一阵阵疼, 肚子疼得厉害, 腰痛了好几天
    r"(?:胸口|心口|肚子|胃|头|腰|腿|嗓子|牙|浑身|身上|关节)(?:一阵阵|一阵一阵|老是|有点|一直|特别|很|好)?(?:疼|痛)(?!快)": 2.5,
    r"(?:扭|摔|砸|压|烫|撞|碰|夹|割|切|轧)(?:伤|断)": 3,
    # something done to the member: 被人占了, 让人给占了, 叫人骗了
    r"(?:被|让|叫|给)(?:人)?(?:给)?(?:占|霸占|侵占|打|偷|抢|骗|坑)": 2.5,
    r"被[\u4e00-\u9fff]{1,4}?(?:骗|坑|打|偷|抢|占|欺负|拖欠|辞退|开除)": 2.5,
}
SYNONYMS: dict[str, str] = {"劳冻": "劳动", "欠新": "欠薪", "工姿": "工资", "公伤": "工伤"}
# Naming the situation is a help request even without a help word (得了胆结石, 老屋让人占了):
# each topic word below also counts this much (see handlers.nlu.lexicon).
SLOT_EVIDENCE = 1.0
SLOT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {"help_topic": {
    "injury": ("工伤", "职业病", "尘肺", "受伤", "骨折", "烫伤", "压伤", "摔伤", "砸伤", "扭伤", "夹伤", "伤残", "摔断",
               "砸断", "压断", "轧了", "轧伤", "被机器", "闪了腰", "闪到腰", "扭了腰", "扭到", "崴了",
               "崴脚", "腰伤", "腿断", "缝针", "缝了", "伤口", "掉下来", "摔下来", "砸到", "夹了",
               "断了", "骨裂", "石膏", "跌下来", "摔下来"),
    "schooling": ("上学", "借读", "入学", "学籍", "学校", "上小学", "读书", "高中", "初中",
                  "小学", "助学", "学费", "住校", "转学", "幼儿园", "学位", "插班", "上不了学",
                  "读不起书", "报名上学", "中考", "高考", "异地中考", "作业", "托管", "课后",
                  "辅导", "成绩"),
    "wages": ("工资", "欠薪", "讨薪", "工钱", "拖欠", "结账", "钱没下来", "克扣", "没发",
              "工头", "加班费", "血汗钱", "一分钱没给", "老板跑了", "跑路", "一分钱", "没拿到",
              "拿不到钱", "白干", "卷钱", "讨工钱", "工程款", "结算", "夜班费", "绩效", "劳务费",
              "辛苦钱", "薪水"),
    "medical": ("住院", "看病", "医院", "疼", "挂号", "挂不上", "医保", "发烧", "牙疼", "诊所", "手术",
                "生病", "医药", "得了", "怀孕", "产检", "生孩子", "开刀", "结石", "肿瘤", "癌",
                "化疗", "透析", "急诊", "药费", "医疗费", "治疗", "病", "住了院", "大夫", "医生"),
    "elderly": ("老人", "爹妈", "爸妈", "父母", "养老院", "养老金", "爷爷", "奶奶", "俺娘", "我娘", "我妈",
                "老娘", "我爸", "我爹", "老爹", "留守", "八十", "七十", "九十", "老人家", "老母亲",
                "老父亲", "公公", "婆婆", "岳父", "岳母", "姥姥", "姥爷", "外婆", "外公", "瘫痪",
                "卧床", "老年痴呆", "糊涂", "走丢"),
    "housing": ("房子", "宿舍", "没地方住", "要收回", "就得搬", "不让住", "不给住", "找地方住", "赶出来", "断水", "断电",
                "涨房租", "房东", "租房", "出租屋", "房租", "漏水", "停水", "停电",
                "住的地方", "住哪", "搬走", "着火", "火灾", "老屋", "漏雨", "涨租", "涨房租", "赶我们",
                "赶我走", "让我们搬", "危房", "拆迁", "宅基地"),
    "legal": ("合同", "官司", "起诉", "维权", "律师", "纠纷", "辞退", "补偿", "骗", "仲裁",
              "报警", "法律", "占了", "霸占", "侵占", "扣押", "催债", "催收", "贷款", "借钱", "欠钱", "借给", "不认账", "赖账",
              "借了", "报了警", "说理", "讨说法", "身份证被", "扣着", "打人", "被打", "诈骗",
              "上当", "网贷", "高利贷", "套路贷", "利滚利", "骚扰", "评理", "评评理", "要我赔",
              "让我赔", "索赔", "违法", "合法"),
}}
# An old relative left alone (我爹一个人在家摔了一跤, 老娘没人伺候) is elderly care, whatever befell
# them — unless it is the bill (我爸住院押金交不起: medical). Done to the member (被人打了, 被人坑了,
# 要告我) is a legal matter; pay held back or cut (只给了一半, 扣了管理费) is wages — the cause, not
# what it costs. These shapes are checked before any topic word, in this order.
ELDERS = ("爹|娘|爸|妈|老人|老汉|老爷子|老太太|老太|奶奶|爷爷|外婆|外公|姥姥|姥爷|父亲|母亲|公公|婆婆|岳父|"
          "岳母|老伴")
SLOT_PATTERNS: dict[str, dict[str, str]] = {"help_topic": {
    # the bill of a stay in hospital (我爸住院了…手头又紧, 手术押金交不起) is medical, whoever is ill
    "medical": r"(?:住院|手术|开刀|看病|治病|医药费|药费|押金).{0,24}?(?:钱不够|没钱|手头.{0,2}紧|交不起|付不起|"
               r"凑不齐|凑不够|还差|差.{0,3}(?:万|千))",
    # an old person's allowance or pension that does not come (高龄补贴没发下来, 养老金取不出来)
    "elderly": r"(?:高龄|养老|老年|低保|五保)(?:补贴|补助|金|津贴)?.{0,8}?(?:没发|没到|没下来|没给|"
               r"取不出|领不到|领不了|不发|停了|断了)"
               rf"|(?:{ELDERS}).{{0,20}}?(?:一个人(?:在|住|过)|独居|没人(?:照顾|照看|伺候|管|陪|做饭|知道)|"
               r"顾不过来|顾不上|回不去)"
               rf"|(?:{ELDERS}).{{0,60}}?(?:去|过去|上门)(?:看看|看一下|照看|瞧瞧)(?:他|她|老人|两位老人)",
    "injury": INJURY,
    # money for a stretch of work held back (最后一个月的钱一直拖着不给) is pay
    "wages": PAY_CUT + r"|(?:月|天|年)的(?:钱|工钱)(?:一直|都|还)?(?:拖|不给|没给)"
             # pay withheld: 中介扣着工资不给, 压着我的工钱
             + rf"|(?:扣|压|押|拖)着?(?:我|俺|我们|俺们|工人|大家)?的?(?:最后|头|前)?[\u4e00-\u9fff]{{0,4}}?{PAY}"
             # less pay than due: 工资卡里少了两个月的钱
             + r"|(?:工资|工资卡|工钱)[\u4e00-\u9fff]{0,3}?少(?:了|发|给)"
             + r"|(?:老板|工头|包工头|厂里|厂子|公司|项目部|老板娘).{0,4}?(?:欠|拖欠|赖|不给钱|不给结|不结账)",
    "schooling": r"(?:开学|入学|上学|转学).{0,6}?(?:报不上|没名额|不收)|报不上名|没(?:有)?(?:学位|名额)",
    # struck (打了我一巴掌), robbed of a place (宅基地让邻居占了), an ID card held, going to law
    "legal": r"扣(?:着|了|下|住)?(?:我的?|俺的?)?身份证|动手打|打了?(?:我|俺)(?:一|两|几)(?:巴掌|拳|顿|下|耳光)"
             r"|(?:被|让|叫)[\u4e00-\u9fff]{0,3}?(?:霸占|侵占|占)(?:了|去)|被(?:人)?(?:打|坑|骗|讹|告)"
             r"|(?:要|去|想)?告(?:我|他|他们|老板)|中介|打官司|起诉|违约金"
             # taken or fined by officials: 城管把三轮车扣了, 交警罚了
             r"|(?:城管|交警|执法队|执法的|派出所|警察|公安)[\u4e00-\u9fff]{0,8}?(?:扣|收走|没收|拖走|罚|抓)",
    # a home falling in (房子塌了, 屋顶塌了) — not a greenhouse or a shed, which are other
    "housing": r"(?:房|屋|墙|天花板|吊顶)(?:子|顶)?.{0,2}塌",
}}
SLOT_DEFAULTS: dict[str, str] = {"help_topic": "other"}


# Danger now (被车撞了, 流血, 着火, 煤气中毒): the emergency numbers come before anything else.
EMERGENCY = re.compile(r"撞了|车祸|流血|出血|昏迷|晕倒|不省人事|昏过去|被打|打人|动刀|着火|火灾|煤气|中毒|骨折|摔下来|掉下来|喘不上气")
EMERGENCY_FIRST = "如果有人受伤或正在危险中，请先拨打 120（急救）或 110（报警）。\n"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A help request: with a description, open the ticket now (:func:`file_ticket`); a bare
    ask (or the 求助 menu button, which has no text) asks what the difficulty is first."""
    if _complains_of_liaison(msg.text, ctx):
        return liaison.complaint_reply(ctx)
    said = description_in(msg.text)
    if said is None:
        return TextReply(ask_what(msg, ctx))
    if ctx.route is not None and ctx.route.guessed:
        return TextReply(f"{_emergency_first(msg.text)}{ask_to_confirm(msg, ctx, said, _topic(ctx))}")
    return file_ticket(said, ctx)


def _topic(ctx: Context) -> str:
    """The router's ``help_topic`` slot, or ``other``."""
    topic = ctx.route.slots.get("help_topic") if ctx.route else None
    return topic if topic in HELP_TOPICS else "other"


def file_ticket(description: str, ctx: Context, topic: str | None = None) -> Reply:
    """Open a ticket assigned to the member's liaison — ``topic`` (one of ``HELP_TOPICS``), by
    default the router's ``help_topic`` slot, else ``other`` — and tell the member its number
    and who will call them. Words of despair (``handlers.crisis``) are flagged for the liaison,
    filed as ``other`` due within ``crisis.SLA_HOURS``, and answered with the lifeline first;
    said again while that ticket waits, the words are added to it and the liaison told again."""
    said = (ctx.route.normalised if ctx.route and ctx.route.normalised else None) or description
    if crisis.speaks_of_it(said):
        return _with_lifeline(_file_crisis(description, ctx))
    reply = _file(description, ctx, topic or _topic(ctx))
    moved = None
    if ctx.route is not None and ctx.route.offer == update_info.INTENT:
        moved = update_info.record_destination(ctx)
        if moved:
            ctx.route.offer = None  # done, not offered
    return TextReply(f"{_emergency_first(description)}{reply.text}" + (f"\n{moved}" if moved else ""))


def _fastest_call(ticket: Ticket, ctx: Context) -> str:
    person = ticket.liaison.member if ticket.liaison else None
    if person and person.phone:
        return f"着急的话可以直接打{person.name}的电话 {person.phone}。"
    return f"着急的话请拨打{hotline(ctx)}。"


def _emergency_first(text: str | None) -> str:
    return EMERGENCY_FIRST if EMERGENCY.search(text or "") else ""


def _with_lifeline(reply: TextReply) -> TextReply:
    return TextReply(f"{crisis.LIFELINE}\n{reply.text}")


def _file_crisis(description: str, ctx: Context) -> TextReply:
    # the liaison reads the flag first: call now; the member's words say the rest
    flagged = f"{crisis.FLAG}{description}"
    earlier = waiting_duplicate(ctx.session, ctx.member, flagged) or waiting_crisis(ctx.session, ctx.member)
    if earlier is None:
        return _file(flagged, ctx, "other", sla=crisis.SLA_HOURS)
    add_to_ticket(ctx.session, earlier, description, now=ctx.clock.now())
    person = earlier.liaison.member if earlier.liaison else None
    told = f"已经再次请{person.name}马上联系您。" if person and person.openid else ""
    return TextReply(f"{told}{_fastest_call(earlier, ctx)}")


def _file(description: str, ctx: Context, topic: str, sla: int | None = None) -> TextReply:
    sla = sla or ctx.settings.liaison.sla_hours
    earlier = waiting_duplicate(ctx.session, ctx.member, description)
    if earlier is not None:
        return TextReply(f"这件事已经登记过了（编号 {earlier.number}），正在等联络员处理，不用再发；"
                         f"{_fastest_call(earlier, ctx)}")
    same = waiting_same_matter(ctx.session, ctx.member, topic)
    if same is not None:
        add_to_ticket(ctx.session, same, description, now=ctx.clock.now())
        person = same.liaison.member if same.liaison else None
        passed = f"并转给了{person.name}" if person and person.openid else ""
        return TextReply(f"这件事已经在办（编号 {same.number}），您补充的情况已记上{passed}。"
                         f"{_fastest_call(same, ctx)}")
    ticket = open_ticket(ctx.session, ctx.member, topic, description, now=ctx.clock.now(), sla_hours=sla,
                         notice_template_id=ctx.settings.wechat.templates["liaison_notice"])
    received = f"已收到您的求助（{TOPIC_NAMES[topic]}），编号 {ticket.number}。"
    if ticket.liaison is None:
        # Nobody can be notified by chat: say so, and give the member a number that answers.
        return TextReply(f"{received}您的支部还没有指定红色联络员，求助已登记，工作人员会尽快跟进；"
                         f"着急的话请拨打{hotline(ctx)}。")
    person = ticket.liaison.member
    if person.openid:
        who = f"已转给您的红色联络员{person.name}，{person.name}会在{sla}小时内联系您"
        call = f"；着急的话可以直接打{person.name}的电话 {person.phone}。" if person.phone else "。"
        return TextReply(f"{received}{who}{call}")
    if person.phone:  # the liaison gets no WeChat notice: the member's call is the fastest way
        return TextReply(f"{received}您的红色联络员是{person.name}，还没有开通微信通知，"
                         f"请直接打{person.name}的电话 {person.phone}；求助已登记，工作人员会跟进。")
    return TextReply(f"{received}您的红色联络员是{person.name}，求助已登记，工作人员会尽快跟进；"
                     f"着急的话请拨打{hotline(ctx)}。")


# What the member is told of their ticket's status.
STATUS_NOW = {"open": "正在等红色联络员{}处理", "claimed": "红色联络员{}已经接手",
              "replied": "红色联络员{}已经答复过您", "resolved": "红色联络员{}已经办结",
              "escalated": "已经转给支部跟进"}


def where_it_stands(ticket: Ticket | None, number: str, ctx: Context) -> Reply:
    """The member quotes their ticket's ``number`` (Q20261129001 怎么还没人联系我): where it
    stands, and the fastest way to a person; a number that is not theirs (``ticket`` None) is
    said to be unknown."""
    if ticket is None:
        return TextReply(f"没有找到您的编号 {number} 的求助，请核对编号；有新的困难，直接发“求助”加上情况。")
    person = ticket.liaison.member if ticket.liaison else None
    status = STATUS_NOW[ticket.status].format(person.name if person else "")
    if ticket.status == "resolved":
        nxt = "如果还没解决，直接发“求助”加上情况，我再转给联络员。"
    else:
        nxt = _fastest_call(ticket, ctx)
    return TextReply(f"您的求助（编号 {ticket.number}，{TOPIC_NAMES[ticket.topic]}）{status}。{nxt}")


def _complains_of_liaison(text: str | None, ctx: Context) -> bool:
    """投诉李某 about the member's own liaison: filing it would send it to that liaison."""
    name = contacts_for(ctx.session, ctx.member).liaison_name
    return bool(name) and liaison.COMPLAINT in (text or "") and name in (text or "")
