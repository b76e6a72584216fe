"""Money in dues: yuan as branches write it (12.5, ¥12.50, 12元, １２．５, 1,200.00) to fen, exactly
(``Decimal``, never a float's rounding), and fen back as replies write it (12.50元, 12元)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from models.ledger import CellError, quoted

# A month's dues above this is no monthly dues (a total, a salary typed in the wrong column).
MAX_FEN = 1_000_000  # 10,000 元
_YUAN = re.compile(r"[¥￥]?\s*(?P<sign>[-−－])?\s*[¥￥]?\s*(?P<n>\d[\d,]*(?:\.\d*)?|\.\d+)\s*(?:元|块钱?|rmb|RMB|人民币)?")
_WORDS = re.compile(r"[零一二两三四五六七八九十百千万元块角分圆壹贰叁肆伍陆柒捌玖拾佰仟]")


def parse_yuan(cell: object, header: str = "金额") -> int | None:
    """The fen in a cell written in yuan; ``None`` for an empty cell. A number cell is read
    through its shortest text (12.3 is 1230 fen, not 1229). Raises
    :class:`~models.ledger.CellError` naming ``header`` for amounts in words (十二元), a negative
    amount, more than two decimals, or more than :data:`MAX_FEN`."""
    if cell is None or isinstance(cell, bool):
        return None if cell is None else _bad(cell, header)
    if isinstance(cell, (int, float)):
        text = repr(cell) if isinstance(cell, float) else str(cell)
    else:
        text = unicodedata.normalize("NFKC", str(cell)).strip().replace("。", ".")
    if not text:
        return None
    match = _YUAN.fullmatch(text)
    if match is None:
        if _WORDS.search(text) and not re.search(r"\d", text):
            raise CellError(f"{header}“{quoted(text)}”请写成数字，如 12 或 12.50")
        _bad(text, header)
    if match["sign"] or text.startswith("-"):
        raise CellError(f"{header}“{quoted(text)}”是负数，请写实际交纳的金额")
    try:
        yuan = Decimal(match["n"].replace(",", ""))
    except InvalidOperation:
        _bad(text, header)
    if yuan.as_tuple().exponent < -2:
        raise CellError(f"{header}“{quoted(text)}”最多写到分（两位小数）")
    fen = int(yuan * 100)
    if fen > MAX_FEN:
        raise CellError(f"{header}“{quoted(text)}”超过1万元，不像一个月的党费，请核对")
    return fen


def _bad(text: object, header: str):
    raise CellError(f"{header}“{quoted(text)}”不是金额，请写成 12 或 12.50 这样的数字")


def yuan(fen: int) -> str:
    """``12.50元``; whole yuan without decimals: ``12元``."""
    whole, cents = divmod(fen, 100)
    return f"{whole}元" if not cents else f"{whole}.{cents:02d}元"
