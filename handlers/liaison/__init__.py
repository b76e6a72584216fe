"""红色联络员 (liaison)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from models.contacts import contacts_for

INTENT = "liaison"
USAGE = "联络员 —— 您的红色联络员是谁"
OFFER = ("知道您的红色联络员是谁", "联络员")
PUBLIC = True
# Routing (see handlers.nlu.lexicon): who the liaison is, or wanting a person instead of the bot.
KEYWORDS: dict[str, float] = {
    "联络员": 5, "人工": 4, "转人工": 5, "人工客服": 5, "客服": 3, "真人": 4, "书记": 2,
    "找书记": 3, "支书": 2, "说话": 1.5, "聊聊": 2, "聊一下": 1.5, "说道说道": 2.5, "回个电话": 3,
    "打给我": 2.5, "联系我": 1.5, "联系一下": 1.5, "负责联系": 3, "管流动党员": 3, "跟他说": 1.5,
    "在线": 1.5, "微信": 1, "跟人说": 3, "找人说": 3, "找个人说": 3,
    "打个电话": 2.5, "给我打": 2.5, "让人": 1.5,
    "人工服务": 5, "找人": 2, "通个话": 2.5, "通电话": 2,
    "联系人": 2.5, "对接人": 3, "管我们的": 2, "哪位老师": 2,
}
# Who is in charge of us: 负责我们流动党员的是哪位, 管我们这片的是谁
PATTERNS: dict[str, float] = {
    r"(?:负责|管|联系)(?:我们|俺们|咱们|我)[\u4e00-\u9fff]{0,6}?的是(?:谁|哪位|哪个)": 3.5,
    # wanting a person, not the machine: 有没有能说上话的人, 机器回的看不懂, 活人
    r"(?:能|可以)?说(?:上|得上)话的人|机器(?:人)?(?:回|答|说)的|活人|人来回": 4.5}
SYNONYMS: dict[str, str] = {"连络员": "联络员", "联洛员": "联络员", "联落员": "联络员",
                            "连络圆": "联络员", "联络圆": "联络员", "连落员": "联络员",
                            "联络猿": "联络员", "连洛员": "联络员"}


# A complaint (我要投诉联络员不理我) goes to the branch and the hotline, never to the liaison.
COMPLAINT = "投诉"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Who the member's red liaison is and how to reach them; a complaint about them, the branch
    and the hotline instead; before binding, the hotline."""
    if ctx.member is None:
        return TextReply("绑定身份后我就能告诉您，您的红色联络员是谁。请发送“绑定 姓名 手机号”"
                         f"（例如：绑定 张某 13800001234）；现在有事可以拨打{hotline(ctx)}。")
    c = contacts_for(ctx.session, ctx.member)
    if COMPLAINT in (ctx.route.normalised if ctx.route else msg.text or ""):
        return complaint_reply(ctx)
    if c.liaison_name:
        phone = f"，电话 {c.liaison_phone}" if c.liaison_phone else ""
        return TextReply(f"您的红色联络员是{c.liaison_name}{phone}。遇到困难可以直接发“求助”加上"
                         f"具体情况，我会马上转给{c.liaison_name}；也可以拨打{hotline(ctx)}。")
    branch = f"（电话 {c.branch_phone}）" if c.branch_phone else ""
    return TextReply(f"{c.branch_name}还没有给您安排红色联络员。有事请联系支部{branch}，"
                     f"或拨打{hotline(ctx)}。")


def complaint_reply(ctx: Context) -> Reply:
    """The answer to a complaint about the member's liaison: the branch and the hotline, since
    a complaint must not be sent back to that same liaison."""
    c = contacts_for(ctx.session, ctx.member)
    branch = f"（电话 {c.branch_phone}）" if c.branch_phone else ""
    return TextReply(f"很抱歉给您添麻烦了。对联络员的意见，请直接告诉{c.branch_name}{branch}，"
                     f"或拨打{hotline(ctx)}，我们会认真处理。")
