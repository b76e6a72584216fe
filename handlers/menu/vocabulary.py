"""The words of the menu (菜单): greetings, thanks, "what can you do"."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    # greetings, thanks, "what can you do" — weak words, so any real
    # request in the same message wins; a message that is only a command word is strong.
    keywords={
        "菜单": 4, "帮助": 2, "你好": 1.5, "您好": 1.5, "哈喽": 2, "功能": 2, "使用说明": 4, "操作指南": 4, "使用指南": 4, "指南": 3,
        "操作说明": 4, "主页": 3, "目录": 3, "行嘞": 2, "回头再来": 2, "大家好": 2, "各位好": 2,
        "怎么用": 3, "选项": 2.5, "首页": 3, "谢谢": 2, "感谢": 2, "感恩": 2, "明白了": 2, "知道了": 2, "好的": 1.5,
        "收到": 1.5, "早上好": 2, "中午好": 2, "下午好": 2, "晚上好": 2, "在吗": 1.5, "能干啥": 3, "不会用": 3, "怎么操作": 2.5, "能做什么": 3,
        "能干什么": 3, "有什么功能": 3, "哪些服务": 3, "什么服务": 2.5, "多谢": 2, "谢": 2, "晚安": 2, "取消": 2,
        "早安": 2, "公众号": 1.5, "好嘞": 2, "好滴": 2, "好哒": 2, "ok": 1.5,
        "干什么的": 2.5, "做什么的": 2.5, "办什么事": 2.5, "能干嘛": 3, "干嘛用": 2.5, "有啥用": 2.5,
    },
    disowns=(
        # 好的 after a degree word describes something (挺好的, 还不错): no acknowledgement
        "挺好的", "很好的", "真好的", "蛮好的", "不好的", "还好的", "最好的",
        "也好的", "多好的", "太好的",
    ),
    patterns={
        r"(?:能|可以)(?:办|干|做)(?:些|点)?(?:什么|啥)(?:事)?": 3,
        r"^(?:hi|hello|help|menu|帮助|菜单|首页|主页|功能|你好|您好|大家好|各位好|嗨|喂|在吗|在么|在不在)+$": 4},
)
