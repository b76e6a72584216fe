"""The words of party dues (党费) — see handlers.nlu.vocabulary — and how a member says they
paid (我交了, 党费交了 3月和4月, 已交) rather than asks (交了没, 交了吗, 我交过了吧)."""
from __future__ import annotations

import re
import unicodedata

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={"党费": 5, "交费": 2, "缴费": 2, "会费": 1, "收据": 2, "到账": 2},
    synonyms={"党贵": "党费"},
    # Paid, with the month: 我交了 11月, 3月份的交过了. The words alone are no request (交了 what?),
    # but with a month they are a dues report, said from the words, not guessed from examples —
    # so they are not taken for a reply to a liaison (handlers.help_request.follow_up).
    patterns={r"(?:交|缴)(?:过|好|上|齐|清)?了\s*\d{1,2}\s*月|\d{1,2}\s*月份?的?\s*(?:已经?)?(?:交|缴)(?:过|好|上|齐|清)?了": 3},
)

# Paid: 已交, 已经缴, 交了, 交过了, 交好啦, 补齐了 … — not when a question follows (交了没, 交了吗,
# 交过了吧, 交了多少) nor after a negation or a question before it (没交, 忘交, 是不是交了).
PAID = re.compile(r"(?:已经?(?:交|缴|付)|(?:交|缴|付|转|补)(?:过|好|完|上|齐|清)?(?:了|啦))"
                  r"(?!\s*(?:没|吗|么|嘛|否|不|吧|呢|多少|几|哪|\?))")
NOT_BEFORE = re.compile(r"(?:没|未|不|忘|是否|是不是|有没有)\S{0,2}$")
# All the months owed at once: 全部, 都交了, 一次补齐了.
ALL = re.compile(r"全部|全都|都交|全交|都补|补齐|补清|交齐|交清|一起交|一次交")


def says_paid(text: str | None) -> bool:
    """Whether ``text`` tells that the member paid (a report, not a question)."""
    said = unicodedata.normalize("NFKC", text or "")
    return any(not NOT_BEFORE.search(said[:m.start()]) for m in PAID.finditer(said))


def says_all(text: str | None) -> bool:
    """Whether ``text`` says every month owed was paid."""
    return ALL.search(unicodedata.normalize("NFKC", text or "")) is not None
