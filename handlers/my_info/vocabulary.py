"""The words of asking what is on file (我的信息, 查看我的信息, 我登记的信息是啥) — not of
changing it (修改信息, 我的信息要改一下: update_info's), nor of the whole member file (我的档案)."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={
        "我的信息": 3, "查看信息": 3.5, "查看我的信息": 4, "看看我的信息": 4, "查一下我的信息": 4,
        "查我的信息": 4, "查信息": 3, "登记的信息": 3.5, "我登记的": 3, "登记了什么": 4, "登记了啥": 4,
        "登记的是什么": 4, "登记的什么": 3.5, "信息是什么": 2.5, "信息对不对": 3.5, "信息对吗": 3.5,
        "填的什么": 3, "登记情况": 3.5, "登记信息": 3, "修改记录": 4, "改过什么": 3.5, "改动记录": 4,
        "变更记录": 4, "我的登记": 3,
    },
    # 登记的信息 inside 登记的信息要改: the change is the request (update_info's words outweigh)
    patterns={
        # 我的信息是啥 / 我登记的信息有哪些 / 看一下我的资料
        r"(?:我的|我登记的|登记的|我填的)(?:个人)?(?:信息|资料)(?:是|都是|有)?(?:啥|什么|哪些|怎样|咋样|对不对|对吗)": 3,
        r"(?:看看|看一下|查看|查一下|查查|瞅瞅)(?:我的|我)(?:个人)?(?:信息|资料)": 4,
        # 你们登记我在哪个城市, 我的手机号登记的是哪个: asking what the record says
        r"登记(?:的)?(?:我|的是)?(?:在)?(?:哪|啥|什么|多少)": 4,
    },
)
