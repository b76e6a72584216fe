"""The fallback: a friendly answer listing what the bot can do, for anything not understood."""
from __future__ import annotations

import re
import unicodedata

from handlers.capability import Intent
from handlers.context import Context, Incoming
from handlers.menu import courtesy_reply
from handlers.nlu.policy import Routing
from handlers.paging import NOTHING_MORE, asks_more
from handlers.people import hotline
from handlers.replies import Reply, TextReply
from handlers.unknown.vocabulary import VOCABULARY

NAME = "unknown"


# How many usage lines the fallback shows: enough to point somewhere, short enough to read.
SHOWN = 4


# "你是机器人吗": members ask who is answering.
ABOUT_ME = re.compile(r"(?:你|您)是(?:谁|机器人|真人|人工|ai|AI)|是不是机器人|机器人吗")
# A thumbs-up, a laugh: a reply with no words in it (emoji, maybe with punctuation), or laughter.
WORDS = re.compile(r"\w")
LAUGHTER = re.compile(r"(?:哈|呵|嘿|嘻)+[!！~。.]*")
# "报个平安 没啥事", "平安到了": all is well, and the member says so.
SAFE = re.compile(r"报(?:个|声|一下)?平安|平安到(?:了|达)|一切平安")
# Missing home: a word back and someone to talk to (12356: the national psychological
# assistance hotline, 国家卫生健康委员会, since 2025-01-01).
HOMESICK = re.compile(r"想家|想孩子|想娃|想老婆|想媳妇|想老公|想爸妈|想我妈|想我爸|想老家|想爹娘"
                      r"|想死(?:你们|我们|俺们|家里|我妈|我爸|孩子)")
# "吃了没": small talk back.
SMALL_TALK = re.compile(r"吃(?:了|饭了)(?:吗|没|么)")
# Crying, sad or worried faces: a smile and "收到" back would be cold.
SAD = re.compile("[😭😢😞😔😟😥😰😩😫😿💔🥺☹🙁😣😖]")


def handle(msg: Incoming, ctx: Context) -> Reply:
    """Not understood: say so kindly and list the most used things the bot can do. Thanks the
    router did not recognise still get a warm word (``menu.courtesy_reply``); 更多 with no page
    waiting (``handlers.paging`` sends the waiting ones) is told there is no more."""
    thanks = courtesy_reply(msg.text)
    if thanks is not None:
        return TextReply(thanks)
    if asks_more(msg.text or ""):
        return TextReply(NOTHING_MORE)
    if SAFE.search(msg.text or ""):
        return TextReply("收到您报的平安，大家就放心了！在外注意身体，有事随时发消息给我。")
    if HOMESICK.search(msg.text or ""):
        return TextReply("在外打拼，想家是常有的事。给家里打个电话、视频一下吧；心里憋闷的话，"
                         "发“联络员”找人说说，或拨打全国心理援助热线 12356。")
    if SMALL_TALK.search(msg.text or ""):
        return TextReply("谢谢惦记！我是服务助手，不用吃饭😊 您也按时吃饭。有事随时发消息给我。")
    if ABOUT_ME.search(msg.text or ""):
        return TextReply("我是流动党员服务助手，是自动回复的小助手，背后有支部和红色联络员。"
                         "有困难发“求助”加情况，我马上转给联络员；发“菜单”看我能做什么。")
    if not WORDS.search(msg.text or "") and _puzzled(msg.text or ""):
        return TextReply("有什么需要帮忙的吗？请直接打字告诉我您要办什么事；不知道怎么说，就发“菜单”看看我能做什么。")
    if not WORDS.search(msg.text or "") and SAD.search(msg.text or ""):
        return TextReply("看到您发的表情，是遇到什么难处了吗？可以直接打字说说情况，"
                         "或者发“求助”，我转给您的红色联络员。")
    if not WORDS.search(msg.text or "") or LAUGHTER.fullmatch((msg.text or "").strip()):
        return TextReply("😊 收到！有事随时发消息给我，发“菜单”可以看全部功能。")

    listing = "\n".join(f"· {line}" for line in [i.usage for i in ctx.intents if i.usage][:SHOWN])
    return TextReply(f"抱歉，这句话我还没看懂。您可以这样发：\n{listing}\n"
                     f"发“菜单”看全部功能；着急的事请拨打{hotline(ctx)}。")


def _puzzled(text: str) -> bool:
    """A wordless message that asks (😳？) or is nothing but punctuation (？？？, 。。。): the member
    is lost, and a smile back would leave them so."""
    marks = [ch for ch in text if not ch.isspace()]
    return "?" in text or "？" in text or all(unicodedata.category(ch)[0] == "P" for ch in marks)


def on_non_text(msg: Incoming, ctx: Context) -> Reply:
    """Images, links, files, voice without recognition text, and text that is only spaces."""
    if msg.msg_type == "text":
        return TextReply("您发的好像是空白消息，我没有看到文字。有事请直接打字告诉我，发“菜单”可以看全部功能。")
    if msg.msg_type == "voice":
        return TextReply("语音没有听清楚，麻烦您再说一遍，或者直接打字发给我。发“菜单”可以看全部功能。")
    return TextReply("收到啦！我暂时只能看懂文字和语音。有事请直接打字告诉我，发“菜单”可以看全部功能。")


INTENT = Intent(name=NAME, usage=None, offer=None,
                public=True, vocabulary=VOCABULARY,
                routing=Routing(offered=False, has_slots=False, fallback=True),
                handle=handle)
