"""The words of organisational life (组织生活): meetings, leave, check-in."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "开会": 3, "会议": 3, "党日": 4, "组织生活": 4, "三会一课": 4, "签到": 4, "请假": 3,
        "请个假": 3, "党员大会": 4, "支部大会": 4, "线上会": 3, "的会": 2, "会开": 2, "会": 1,
        "参加": 1, "党课": 3, "代签": 2, "补学": 2, "参加不了": 1.5, "去不了": 1.5, "网断了": 1.5,
        "支部会": 3, "小组会": 3, "党小组": 2.5, "评议会": 3, "民主评议": 3, "例会": 2.5, "参会": 3,
    },
    # 生活 is no keyword of its own (组织生活 is), so no typo of it is generated
    synonyms={"生获": "生活", "声活": "生活", "前到": "签到"},
    # Asking whether a meeting is coming: 有会吗, 最近有啥会要开吗, 这周开不开会
    # Asking which meetings are coming: 最近有什么会, 下个月开啥会 (not 会员, 会计, 会费)
    patterns={r"有(?:没有)?(?:啥|什么|个)?会(?:要开|开)?(?:吗|没|不)|开不开会|啥时候开会": 3,
              r"(?:有|开)(?:啥|什么|哪些)会(?![员计费])": 3},
)
