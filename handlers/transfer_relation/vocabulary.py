"""The words of a transfer of organisational relationship (组织关系转接)."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "组织关系": 4, "转关系": 4, "关系转": 3.5, "党员关系": 3.5, "关系落": 3, "关系": 1.5,
        "转接": 3, "转出": 2, "转入": 2, "转过来": 2.5, "转过去": 2.5, "转走": 2, "转移": 1.5,
        "介绍信": 4, "挂在": 1.5, "关系迁": 3.5, "迁过来": 2.5, "迁过去": 2.5, "迁走": 2, "迁出": 2,
        "迁入": 2, "接收": 1.5, "关系想落": 3, "关系挪": 3, "关系想转": 3.5,
    },
    synonyms={"转借": "转接", "组织关心": "组织关系"},
    # A place named as where the membership goes (转组织关系到苏州) is the transfer's destination,
    # not a separate change of whereabouts: the transfer outweighs the place cue.
    patterns={r"(?:转|迁|挪|落)(?:个|一下)?(?:组织|党员|党组织)?关系.{0,3}(?:到|去|来)": 3,
              # 能不能把关系直接转到厂里
              r"把(?:组织|党员)?关系[\u4e00-\u9fff]{0,4}?(?:转|迁|挪|落)": 4},
)
