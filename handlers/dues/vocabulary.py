"""The words of party dues (党费) — see handlers.nlu.vocabulary."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={"党费": 5, "交费": 2, "缴费": 2, "会费": 1, "收据": 2, "到账": 2},
    synonyms={"党贵": "党费"},
)
