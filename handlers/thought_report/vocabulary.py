"""The words of thought reports (思想汇报)."""
from __future__ import annotations

from handlers.nlu.vocabulary import Vocabulary

VOCABULARY = Vocabulary(
    __name__,
    keywords={"思想汇报": 6, "汇报": 2.5, "心得体会": 3, "心得": 2, "思想": 2,
              "心里话": 2.5, "思想动态": 3, "思想上": 2, "想法": 1.5,
              "交给组织": 2.5, "向组织": 2, "向党组织": 2.5},
    synonyms={"思想会报": "思想汇报", "思想会抱": "思想汇报"},
)
