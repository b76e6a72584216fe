"""The words of points (积分): the member's points, how they are earned and ranked."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "积分": 5, "加分": 4, "几分": 2.5, "多少分": 3, "扣分": 3, "扣了": 1, "排名": 2.5, "名次": 2.5,
        # how they rank, as the handler reads it (handlers.points.RANKING): 我们支部排第几
        "排第几": 2.5, "第几名": 2.5,
        # asking what something earns outweighs even the thought report or activity it names
        "我的分": 4, "分数": 3, "算分": 3, "加几分": 7, "加多少分": 7, "能加多少": 7, "加积分": 6,
        "积分榜": 5, "能加分": 7, "加分吗": 7,
        "查分": 4, "怎么算": 2.5, "明细": 1.5, "攒了": 1.5,
    },
    disowns=(
        # points on a driving licence are not the branch's (驾照扣分了怎么消)
        "驾照扣分", "驾驶证扣分", "违章扣分", "驾照分", "驾驶证分", "交规扣分",
        # nor are a platform's or a shop's (滴滴的服务分, 美团骑手的积分咋换头盔)
        "服务分", "信用分", "芝麻分", "口碑分", "骑手积分", "骑手的积分",
        "会员积分", "平台积分", "平台的积分", "美团积分", "淘宝积分", "京东积分",
        "信用卡积分", "话费积分", "超市积分",
    ),
    synonyms={"激分": "积分", "机分": "积分", "鸡分": "积分", "即分": "积分", "基分": "积分"},
    # the same questions in other words: 能给几分, 能给加分不, 加积分吗, 分加上没, 这个能记分不 —
    # asked about a deed told in full (帮着扫雪 算不算志愿服务 能给几分), the question is the request,
    # however many words of the deed come with it
    patterns={
        r"(?:加|给|得|算|记|计)(?:个|点)?(?:几|多少)(?:个)?(?:积)?分": 16,
        r"(?:加|给|算|记|计)(?:了)?(?:个|点|上)?(?:积)?分(?:了)?(?:不|吗|没|么|呢|嘛|啊|呀|吧)": 16,
        r"(?:给|加|算|记)不(?:给|加|算|记)(?:加)?(?:积)?分": 16,
        r"分(?:加|算|记)(?:上|了|进去)+(?:没|吗|不)": 16,
        # whether the points will do: 积分能不能达标, 积分够不够, 补学补分, 积分追上去
        r"积分.{0,6}?(?:能不能|够不够|达标|达不到|追上|补上|补回)|补分": 16,
        # points not credited for it: 积分没加上, 积分一分都没变
        r"(?:积)?分.{0,4}?没(?:加|涨|到|变|动|记|算|上)": 16,
        # a number of points: 是不是有120分了, 够80分没
        r"(?:有|够|满|到|差|攒了?)\d+(?:个)?(?:积)?分(?!钟)": 3,
        # how far apart: 他比我高了二十多分
        r"(?:高|低|差|多|少)了?(?:\d+|[一二三四五六七八九十几两]+)多?分(?!钟)": 4,
    },
)
