"""组织关系转接 (transfer_relation)."""
from __future__ import annotations

from handlers.context import Context, Incoming
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply

INTENT = "transfer_relation"
USAGE = "转关系 —— 办理组织关系转接"
OFFER = ("办理组织关系转接", "转关系")
PUBLIC = False
# Routing (see handlers.nlu.lexicon): moving membership to another branch.
KEYWORDS: dict[str, float] = {
    "组织关系": 4, "转关系": 4, "关系转": 3.5, "党员关系": 3.5, "关系落": 3, "关系": 1.5,
    "转接": 3, "转出": 2, "转入": 2, "转过来": 2.5, "转过去": 2.5, "转走": 2, "转移": 1.5,
    "介绍信": 4, "挂在": 1.5, "关系迁": 3.5, "迁过来": 2.5, "迁过去": 2.5, "迁走": 2, "迁出": 2,
    "迁入": 2, "接收": 1.5, "关系想落": 3, "关系挪": 3, "关系想转": 3.5,
}
# A place named as where the membership goes (转组织关系到苏州) is the transfer's destination,
# not a separate change of whereabouts: the transfer outweighs the place cue.
PATTERNS: dict[str, float] = {r"(?:转|迁|挪|落)(?:个|一下)?(?:组织|党员|党组织)?关系.{0,3}(?:到|去|来)": 3,
                              # 能不能把关系直接转到厂里
                              r"把(?:组织|党员)?关系[\u4e00-\u9fff]{0,4}?(?:转|迁|挪|落)": 4}
SYNONYMS: dict[str, str] = {"转借": "转接", "转街": "转接", "转节": "转接", "专接": "转接",
                            "组织关心": "组织关系"}


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Transfers are done by the branch for now: explain the rule and who to call."""
    return TextReply("组织关系转接由支部办理：外出满6个月、工作和居住地相对固定的，一般应把组织关系"
                     f"转到现在所在地的党组织。{who_to_contact(ctx)}联系时说一下您现在所在的城市，"
                     "他们会告诉您需要准备的材料和办理步骤。")
