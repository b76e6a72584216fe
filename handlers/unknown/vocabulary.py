"""The words of what the bot does not do: out-of-scope asks and talk."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    # Out-of-scope asks (a joke, a song, the weather, lottery numbers): they outweigh the weak
    # greeting or topic word beside them ("在吗 给我讲个笑话"), so the member gets the honest
    # "not understood" listing instead of a menu they did not ask for.
    keywords={
        "笑话": 3, "唱首歌": 3, "唱个歌": 3, "天气": 2, "气温": 2, "彩票": 3, "股票": 3, "电影": 2,
        "打游戏": 3, "翻译": 2.5,
        # letting home know all is well is news to be glad of, not a request
        "报平安": 3, "报个平安": 3, "报声平安": 3, "平安到了": 3, "想家": 2.5, "吃了没": 3, "吃饭了没": 3,
        "打牌": 3, "掼蛋": 3, "斗地主": 3, "麻将": 3, "抢票": 3, "抢火车票": 3.5, "好吃": 3, "面馆": 2,
        "饭馆": 2, "随便聊": 4, "累死了": 2, "淘宝": 3, "拼多多": 3, "网购": 3, "退款": 2.5, "退货": 2.5,
        "etc": 3, "王者": 3, "游戏": 2.5, "等一下": 2.5, "等会儿": 2.5, "稍等": 2.5,
    },
    patterns={
        # asking what is answering (你是机器人还是真人) is about the bot, not wanting a person
        r"(?:你|您)是(?:谁|机器人|真人|人工|ai)|是不是机器人|机器人吗|机器人还是真人": 5,
        # a meeting at work (物业经理今天开会又把我们骂了一顿) is not the branch's
        r"(?:经理|老板|领导|组长|班长|主管|公司|厂里|物业|车间|单位)[\u4e00-\u9fff]{0,4}?开(?:了)?(?:个|一上午|一下午)?会": 7,
        # a day's work told (今天送了六十单): talk, not a good deed
        r"(?:送|跑|接)了?(?:\d+|[一二三四五六七八九十百几两]+)(?:多)?单": 3,
    },
)
