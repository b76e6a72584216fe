"""The words of the sunshine stations (阳光驿站): where, when open, the hotline."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "驿站": 5, "阳光驿站": 6, "热线": 3, "服务热线": 4, "开门": 2, "关门": 2, "开门时间": 3,
        "营业": 2, "服务站": 3, "中午休息": 2, "约一下": 1, "wifi": 1,
        "歇脚": 2.5, "喝口水": 1.5, "充电": 1,
    },
    disowns=(
        # stations of another kind (导航去东站怎么走) are not ours, nor like ours
        "东站", "西站", "南站", "北站", "火车站", "高铁站", "汽车站", "地铁站",
        "公交站", "加油站", "充电站",
    ),
)
