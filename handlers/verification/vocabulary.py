"""The words of an answer to a verification ask: nothing changed (没变, 对, 👍), or something did
(变了, 换了) without yet saying what."""
from __future__ import annotations

import re

# Words that say "what you have is right", and words that may stand around them (信息都没变,
# 电话没换 地址也没变, 对的 谢谢); an answer is made of these alone, with at least one of the first.
_SAME = (r"没有?变(?:化|动|过)?|没啥变化|没什么变化|不变|没有?改|没有?换|没动|一样|照旧|老样子|还是?那样"
         r"|对头?|是|确认|确定|没错|没问题|没毛病|正确|无误|准确|属实|嗯|恩|ok|👍|👌|✅|✔️?")
_AROUND = (r"信息|资料|登记的|手机号?|电话|号码|地址|去向|单位|工作|都|全都?|全部|一切|还是|我的|也|一直|依然|仍然"
           r"|目前|暂时|的|了|啊|呀|吧|呢|哈|啦|哦|噢|谢谢|谢了|您|你们?|辛苦了")
CONFIRM = re.compile(rf"(?:{_AROUND}|{_SAME})*(?:{_SAME})(?:{_AROUND}|{_SAME})*", re.IGNORECASE)
# Something changed, detail not said (变了, 信息有变化, 手机换了, 不对): asked what.
CHANGED = re.compile(r"(?:信息|资料|手机号?|电话|号码|地址|去向|单位|工作|都)*(?:有)?"
                     r"(?:变了|变化了|有变化|有变动|变动了|换了|改了|不对|不一样了?|不是这样|不是这个)"
                     r"(?:了|啊|呀|吧|哈|啦)*")
