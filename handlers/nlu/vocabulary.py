"""An intent's words: what the router looks for in a message to recognise it and fill its slots.

Every capability declares one (``handlers/<intent>/vocabulary.py``: ``VOCABULARY``); the router
compiles them all once (``handlers.nlu.lexicon``). A declaration is checked when it is made, so a
misspelt slot or a broken pattern stops start-up naming the module that declared it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Vocabulary:
    """One intent's words. ``owner`` is the declaring module (``__name__``), named in errors.

    * ``keywords`` — word → weight (> 0). Words of two or more characters match anywhere in the
      normalised text; a one-character word must be a whole jieba token.
    * ``disowns`` — longer words holding one of the keywords that are not about this intent
      (短视频 ⊃ 视频, 驾照扣分 ⊃ 扣分): they hide the keyword inside them, and the labelled
      examples' resemblance to this intent does not count either.
    * ``synonyms`` — variant (typo, dialect) → the standard word, replaced in every message before
      matching, whichever intent declares it. Same-sounding typos of every keyword are generated
      (``handlers.nlu.homophones``): list only what the generator cannot find.
    * ``patterns`` — regular expression → weight, for shapes words cannot say (a phone number,
      "我是某某村的").
    * ``place_cues`` — a word right before a city or province (在, 搬到) → weight, checked in
      declaration order; a 0 stops the check ("转到成都" is no whereabouts).
    * ``slot_words`` — slot → value → words; filled only when the message routes to this intent.
      Of several values named, the labelled examples choose; without them the first declared wins.
    * ``slot_patterns`` — slot → value → regular expression, for what word lists cannot say (腰扭了
      and 扭了腰 are both an injury); weighed with the words, unless the slot is ``shapes_first``
      (then a matching shape wins over any word, in declaration order).
    * ``slot_defaults`` — slot → value when nothing named one.
    * ``slot_evidence`` — each slot word also counts as a keyword of this weight (unless it is a
      keyword already): naming a situation (胆结石, 劳动法) is evidence of the intent whose slot it
      fills, even without a request word.

    Raises ``ValueError`` naming ``owner`` for an empty word, a weight out of range, a pattern that
    does not compile, a slot pattern or default for a slot with no words, or a slot pattern for a
    value no word names."""

    owner: str
    keywords: Mapping[str, float]
    disowns: tuple[str, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)
    patterns: Mapping[str, float] = field(default_factory=dict)
    place_cues: Mapping[str, float] = field(default_factory=dict)
    slot_words: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    slot_patterns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    slot_defaults: Mapping[str, str] = field(default_factory=dict)
    slot_evidence: float = 0.0
    shapes_first: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        problems = [*_words("keyword", self.keywords), *_words("disowned word", self.disowns)]
        problems += [f"keyword {w!r} has weight {v}: use a weight > 0, or list it in disowns"
                     for w, v in self.keywords.items() if not v > 0]
        problems += [f"{w!r} is both a keyword and disowned" for w in self.disowns if w in self.keywords]
        problems += [f"synonym {v!r} → {w!r}: give a variant and a different word"
                     for v, w in self.synonyms.items() if not v or not w or v == w]
        problems += [f"place cue {w!r} has weight {v}" for w, v in self.place_cues.items() if not w or v < 0]
        problems += [f"pattern weight {v} for {p!r}" for p, v in self.patterns.items() if not v > 0]
        problems += _compile_errors(self.patterns)
        for slot, values in self.slot_words.items():
            problems += _words(f"{slot} word", [w for words in values.values() for w in words])
        for slot, values in self.slot_patterns.items():
            if slot not in self.slot_words:
                problems.append(f"slot_patterns: unknown slot {slot!r} (slots: {_list(self.slot_words)})")
                continue
            problems += [f"slot_patterns.{slot}: unknown value {value!r} (values: "
                         f"{_list(self.slot_words[slot])})" for value in values if value not in self.slot_words[slot]]
            problems += _compile_errors(values.values())
        problems += [f"slot_defaults: unknown slot {slot!r} (slots: {_list(self.slot_words)})"
                     for slot in self.slot_defaults if slot not in self.slot_words]
        problems += [f"shapes_first: no slot_patterns for slot {slot!r}"
                     for slot in self.shapes_first if slot not in self.slot_patterns]
        if self.slot_evidence < 0:
            problems.append(f"slot_evidence {self.slot_evidence} < 0")
        if problems:
            raise ValueError(f"{self.owner}: " + "; ".join(problems))

    def declares(self, word: str) -> bool:
        """Whether ``word`` is one of the keywords or disowned words."""
        return word in self.keywords or word in self.disowns


def _words(kind: str, words) -> list[str]:
    return [f"empty {kind}" for w in words if not isinstance(w, str) or not w.strip()]


def _compile_errors(patterns) -> list[str]:
    errors = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            errors.append(f"pattern {pattern!r} does not compile ({exc})")
    return errors


def _list(names) -> str:
    return ", ".join(sorted(names)) or "none"
