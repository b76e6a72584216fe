"""The words of binding (绑定): asking to bind, or introducing oneself (village, name, phone)."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary
from models.binding import VILLAGE

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "绑定": 4, "绑上": 3, "认证": 3, "实名": 3, "登记": 2, "登上": 2.5, "对上": 1.5,
        "入党": 1, "新来的": 1.5, "老党员": 1.5,
    },
    patterns={
        # "我是王家洼村的", "青山镇石门村马某", "我是高家沟的": a village after 是/的/a space,
        # followed by 的/支部/党员/a name.
        r"(?:^|[是的\s])" + VILLAGE + r"(?:的|支部|党支部|党员|人|\s|[\u4e00-\u9fff]某)": 3,
        r"(?:我|俺)是.{2,10}的(?:老)?党员": 2,
        r"身份(?!证)": 2.5,  # 绑定身份, 身份认证 — not 身份证 (an ID card kept by a boss is a help case)
        r"(?:我|俺|^|\s)(?:叫|姓)[\u4e00-\u9fff]": 2,
        r"(?:^|[是的\s])[\u4e00-\u9fff]某": 1.5,
        r"(?<!\d)1[3-9]\d(?: ?\d){8}(?!\d)": 1.5,
    },
)
