"""How the desk's commands are written, matched on folded text (``handlers.commands.fold``:
full-width digits half-width, runs of spaces one).

A ticket is named either by its number — ``Q20261129001``, in any case, the Q left off
(``20261129001``) — or by its position (1–3 digits, "第2" too) in the list the person was
last shown (``models.tickets.desk_list``). The space between command, ticket and words may be
left out ("接单3", "回复2已联系"), though "回复 2 3号去" needs it to tell 2 from 23.
"""
from __future__ import annotations

import re

# The ticket number as models.tickets numbers it (Q + date + sequence), in any case, also with
# the Q left off (20261129003: no mobile number starts with 2) or mistyped (Q2026112901).
NUMBER = re.compile(r"[Qq](\d{6,14})(?!\d)|(?<![\dA-Za-z])(20\d{9})(?!\d)")
# A message holding a ticket number, anywhere in it.
NAMES_A_TICKET = re.compile(rf"(?:.*?)(?P<number>{NUMBER.pattern}).*", re.DOTALL)
# Positions in a shown list run this long at most (models.tickets.scope.LIST_MAX lines).
POSITION = re.compile(r"\d{1,3}")

# What may end a command: punctuation, a tilde.
_END = r"[。.!?~～,]*"
# The ticket: a position or a number.
_REF = r"第?\s?(?P<ref>[Qq]?\d{1,14})"
# Between the ticket and the words: a space, a colon or a comma, or nothing.
_SEP = r"\s?[:：,，]?\s?"


def _command(words: str, rest: str = "") -> re.Pattern[str]:
    """``words`` alone (the handler then says how to write it), or followed by a ticket and
    ``rest``."""
    return re.compile(rf"(?:{words})\s?(?:{_REF}{rest})?{_END}")


# 我的工单: the list, in the words liaisons use for it.
MY_TICKETS = re.compile(
    r"(?:(?:查看|看看|看下|看一下|查一下|查查)?(?:我的)?(?:工单|待办|待办事项|待办工单|求助单)(?:列表|清单)?"
    r"|(?:我|俺)?(?:手上|手里|这里|这边)?(?:还)?有(?:哪些|什么|几件|几个|多少)(?:求助|工单|事情|事)?"
    r"(?:还)?(?:没|未)(?:办完|办结|处理完|处理|办)(?:的)?(?:求助|工单|事情|事)?"
    r"|(?:哪些|什么)(?:求助|工单|事情|事)(?:还)?(?:没|未)(?:办完|办结|处理完|处理|办))"
    rf"(?:呢|吗|啊|呀)?{_END}")
CLAIM = _command("接单|认领|接")
REPLY = _command("回复|答复", rf"(?:{_SEP}(?P<text>.+?))?")
RESOLVE = _command("办结|结案", rf"(?:{_SEP}(?P<text>.+?))?")
# 转 3 王某 / 转3给王某 / 转 3 书记 他负责苏州片区 (the reason after a space).
HAND_OVER = _command("转给|转交|转", r"(?:\s?(?:给|转给)?\s?(?P<name>[^\s\d,:：，]{1,20})(?:\s(?P<why>.+?))?)?")
NOTE = _command("内部备注|备注", rf"(?:{_SEP}(?P<text>.+?))?")

# The words after the ticket in the message as sent (not folded: the member reads the
# liaison's own punctuation and line breaks), for the commands that pass words on.
_RAW_HEAD = re.compile(r"^\s*(?:回复|答复|办结|结案|内部备注|备注)\s*第?\s*[QqＱｑ]?[\d０-９]+\s*[:：,，]?\s*")


def words_after_ticket(raw: str | None) -> str:
    """What ``raw`` says after its command and ticket ("回复 2：已联系，明天去" → "已联系，明天去"),
    as typed; empty when nothing."""
    return _RAW_HEAD.sub("", raw or "", count=1).strip()


def number_in(text: str | None) -> str | None:
    """The ticket number in ``text`` (``Q20261129003``), upper-cased, or ``None``."""
    match = NUMBER.search(text or "")
    return f"Q{match.group(1) or match.group(2)}" if match else None
