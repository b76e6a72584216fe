"""The words of the member file (一人一档): asking to see one's own file. ("我的信息", the
details on file alone, is update_info's.)"""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "我的档案": 5.5, "个人档案": 5, "一人一档": 5, "党员档案": 4.5, "电子档案": 4.5, "档案": 2,
        "查档案": 4.5, "看档案": 4.5, "看看档案": 4.5, "档案记录": 4.5,
    },
    synonyms={"挡案": "档案", "档按": "档案"},
    # 我在这儿都记了些什么 / 看看我的全部记录
    patterns={r"(?:我的|我)(?:全部|所有)?(?:记录|台账)(?:都)?(?:有|是)?(?:啥|什么|哪些)?": 3.5,
              r"看(?:看|一下)?(?:我的)?(?:全部|所有)记录": 4},
    # 转档案 / 档案一起转: the file a transfer moves, not the member's own file here.
    disowns=("转档案", "档案一起", "档案寄", "档案转", "人事档案", "档案馆", "档案局"),
)
