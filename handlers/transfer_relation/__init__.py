"""组织关系转接 (transfer_relation)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.people import who_to_contact
from handlers.replies import Reply, TextReply
from handlers.transfer_relation.vocabulary import VOCABULARY

NAME = "transfer_relation"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Transfers are done by the branch for now: explain the rule and who to call."""
    return TextReply("组织关系转接由支部办理：外出满6个月、工作和居住地相对固定的，一般应把组织关系"
                     f"转到现在所在地的党组织。{who_to_contact(ctx)}联系时说一下您现在所在的城市，"
                     "他们会告诉您需要准备的材料和办理步骤。")


INTENT = Intent(name=NAME, usage="转关系 —— 办理组织关系转接", offer=Offer("办理组织关系转接", "转关系"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
