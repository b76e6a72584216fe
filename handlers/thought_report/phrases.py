"""How members and secretaries word what thought reports need: the heading that opens a report
sent in one message (思想汇报：…), asking for their own list, handing a draft in (提交), and the
answers to the preview. Matched on letters and digits only (``handlers.dialog_machine.words``)
unless said otherwise."""
from __future__ import annotations

import re

from models.thought_reports.limits import word_count

# 思想汇报 as written, traditional characters too.
REPORT_NAME = r"思想[汇匯彙][报報]"
# A message that opens with the heading, matched on the raw text: 思想汇报：…, 交思想汇报：…,
# 思想汇报（第四季度）：…, 我的思想汇报如下：…; ``colon`` when a colon follows it.
HEADING = re.compile(rf"^\s*(?:我的|我)?(?:要|想)?(?:提交|上交|递交|交)?\s*(?:一[篇份])?\s*{REPORT_NAME}(?:如下)?"
                     r"(?:\s*[（(【\[][^）)】\]\n]{0,20}[）)】\]])?(?P<colon>\s*[:：])?")
# What may stand between a heading without a colon and the report.
SEPARATORS = " \t\r\n,，。.!！、;；—-~～"
# The words after a heading without a colon that make it a question, not a report
# (思想汇报怎么交, 思想汇报能加几分, 思想汇报发给谁好呢？).
QUESTION = re.compile(r"^(?:怎么|咋|如何|在哪|哪里|发给|交给|给谁|能不能|能否|可以|可不可以|要不要|需不需要|需要|是什么|"
                      r"什么|多少|几|有没有|能加|加几分|写什么|写啥|格式|模板|范文)|[吗呢？?]\s*$")
# A member asking for the reports they handed in (我的思想汇报, 我交过的思想汇报, 思想汇报阅了吗).
MINE = re.compile(r"(?:我的|我交的|我交过的|我提交的|我写的|以前交的|交过的)思想汇报|思想汇报(?:记录|交了几篇|阅了|看了|有回复|有意见)")
# Asking who reads them or where they go (思想汇报交给谁, 发给谁, 找谁交, 交到哪里).
TO_WHOM = re.compile(r"(?:交|发|给|递)(?:给)?谁|找谁|谁(?:看|阅|收)|交到哪|发到哪|交哪|往哪")
# Handing a draft in: 提交, 写完了, 写完了提交, 就这些了, 交吧, 好了提交思想汇报.
SUBMIT = re.compile(r"(?:我|都|已经)*(?:(?:写完|写好|好|完)(?:了|啦)?|就这些了?|就这么多了?)?"
                    r"(?:提交|上交|递交|交上去|交给支部|交给书记|交吧|发送|发吧)(?:思想汇报)?(?:吧|了|啦|哈|呀)*"
                    r"|(?:我|都|已经)*(?:写完|写好)(?:了|啦)*(?:思想汇报)?|就这些了?|就这么多了?")
# Yes to the preview (确认, 确定提交, 好的, 对, 可以交了) — read from the start of the answer.
CONFIRM = re.compile(r"^(?:确认|确定|提交|交吧|交了吧|交上去|是的?|对|好的?|可以|行|没问题|ok|嗯|发吧|发送)", re.IGNORECASE)
# Not yet: back to writing (继续写, 还要补充, 改一下).
CONTINUE = re.compile(r"^(?:继续|接着|还要|还想|再写|再加|补充|修改|改一下|改改|没写完|还没写完|等一下|等等)")


def headed_body(text: str, min_words: int) -> str | None:
    """The report in a message that opens with its heading: everything after 思想汇报： when a
    colon follows (``""`` left as ``None``: the heading alone), or after 思想汇报 and a space when
    at least ``min_words`` words follow and they ask nothing; ``None`` for any other message."""
    match = HEADING.match(text)
    if match is None:
        return None
    rest = text[match.end():]
    if match.group("colon"):
        return rest.strip() or None
    body = rest.lstrip(SEPARATORS).rstrip()
    said = "".join(ch for ch in body if ch.isalnum())
    if word_count(body) < min_words or QUESTION.search(said) or body.rstrip().endswith(("？", "?")):
        return None
    return body


def names_the_report(said: str) -> bool:
    """Whether the words ``said`` name thought reports (思想汇报, traditional too)."""
    return re.search(REPORT_NAME, said) is not None
