"""Chinese script forms shared by binding, ledger import and the router: members and ledgers
mix traditional and simplified characters (劉某明 / 刘某明), so names and text are compared in
simplified form; and titles as replies name them, in book-title marks (《》)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import opencc


@lru_cache(maxsize=1)
def _converter() -> tuple[opencc.OpenCC, frozenset[str]]:
    """opencc's t2s converter and the set of characters it would change.

    Converting is the slowest step (~0.1 ms); most messages are already simplified, so the
    converter only runs when a traditional character is present."""
    converter = opencc.OpenCC("t2s")
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if trad and trad not in simp.split(" "):
            chars.add(trad)
    return converter, frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese with opencc (``t2s``); other text unchanged."""
    converter, traditional = _converter()
    if traditional.isdisjoint(text):
        return text
    return converter.convert(text)


def book_title(title: str) -> str:
    """``title`` in book-title marks, ``《学习党章》``, the one way replies name a lesson or a
    meeting; a title that carries marks of its own (学习新修订的《中国共产党纪律处分条例》) is
    left as it is, never nested as 《学习新修订的《…》》."""
    return title if "《" in title or "》" in title else f"《{title}》"
