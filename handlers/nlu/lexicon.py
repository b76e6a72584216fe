"""What the router knows, gathered once from every intent's ``Vocabulary``
(``handlers.nlu.vocabulary``: keywords, disowned words, synonyms, patterns, place cues, slot words)
and config.

``config.yaml`` adds ``nlu.extra_keywords`` (intent → words, weight 3) and ``nlu.synonyms``.
Same-sounding typos of every keyword and slot word are generated (``handlers.nlu.homophones``).
"""
from __future__ import annotations

import logging
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from handlers.nlu import homophones
from handlers.nlu.normalize import WordTable
from handlers.nlu.policy import Routable
from handlers.nlu.vocabulary import Vocabulary


def _import_jieba():
    """jieba 0.42.1 reads its data files through the deprecated ``pkg_resources`` when it can
    import it — ≈ 5 MB in every process, and a warning on every start — else by their path (the
    same files): let it find none, unless something loaded it already."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes ``import pkg_resources`` raise ImportError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

USER_DICT = Path(__file__).with_name("userdict.txt")
EXTRA_KEYWORD_WEIGHT = 3.0


@dataclass
class IntentLexicon:
    """One intent's vocabulary, compiled: ``keywords`` holds the disowned words at weight 0 (a
    weight-0 word hides the keywords inside it) and the slot words counting as evidence."""

    keywords: dict[str, float]
    patterns: list[tuple[re.Pattern, float]]
    place_cues: dict[str, float]
    slot_words: dict[str, dict[str, tuple[str, ...]]]
    slot_defaults: dict[str, str]
    slot_patterns: dict[str, dict[str, re.Pattern]] = field(default_factory=dict)
    evidence: frozenset[str] = frozenset()  # keywords that are only slot words (slot_evidence)
    shapes_first: frozenset[str] = frozenset()  # slots whose patterns win over words


@dataclass
class Lexicon:
    """All intents' declarations plus the indexes the router scans with.

    ``index``: keyword (≥2 chars) → [(intent, weight)]; ``sizes``: first character → lengths of
    the keywords starting with it, longest first (one look-up skips the ~90% of positions where
    no keyword starts); ``single``: one-character keyword → [(intent, weight)]; ``synonyms`` longest first."""

    intents: dict[str, IntentLexicon]
    synonyms: dict[str, str]
    variants: WordTable = field(default_factory=lambda: WordTable({}))
    index: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    sizes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    single: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


def build(declared: Iterable[Routable], nlu_settings) -> Lexicon:
    """Collect every intent's vocabulary and the config extras into one :class:`Lexicon`.

    Raises ``ValueError`` naming the key when ``nlu.extra_keywords`` names an unknown intent
    (a silently ignored keyword would look like a router that does not listen)."""
    declared = list(declared)
    intents = {intent.name: _intent_lexicon(intent.vocabulary) for intent in declared}
    synonyms: dict[str, str] = {}
    for intent in declared:
        synonyms.update(intent.vocabulary.synonyms)
    for intent, words in nlu_settings.extra_keywords.items():
        if intent not in intents:
            raise ValueError(f"nlu.extra_keywords.{intent}: unknown intent; use one of "
                             + ", ".join(sorted(intents)))
        intents[intent].keywords.update({w: EXTRA_KEYWORD_WEIGHT for w in words if w})
    # an empty variant would match between every two characters
    synonyms.update({variant: word for variant, word in nlu_settings.synonyms.items() if variant})
    lexicon = Lexicon(intents, dict(sorted(synonyms.items(), key=lambda kv: -len(kv[0]))))
    typos = homophones.variants(_known_words(intents, synonyms), _in_dictionary)
    lexicon.variants = WordTable(typos, _on_word_edges)
    for name, spec in intents.items():
        for word, weight in spec.keywords.items():
            target = lexicon.single if len(word) == 1 else lexicon.index
            target.setdefault(word, []).append((name, weight))
    for word in lexicon.index:
        known = lexicon.sizes.get(word[0], ())
        lexicon.sizes[word[0]] = tuple(sorted({*known, len(word)}, reverse=True))
    return lexicon


def _intent_lexicon(vocabulary: Vocabulary) -> IntentLexicon:
    declared = {**vocabulary.keywords, **dict.fromkeys(vocabulary.disowns, 0.0)}
    keywords = dict(declared)
    evidence = vocabulary.slot_evidence
    only_slot_words = set()
    for values in vocabulary.slot_words.values() if evidence else ():
        for word in (w for words in values.values() for w in words if w not in keywords):
            # a slot word covers the keywords inside it (一分钱没给 ⊃ 没给): it must count as
            # much as the strongest of them, and is then more than a named situation
            inside = [weight for key, weight in declared.items() if key in word]
            keywords[word] = max([evidence, *inside])
            if not inside:
                only_slot_words.add(word)
    return IntentLexicon(
        keywords=keywords,
        patterns=[(re.compile(p), w) for p, w in vocabulary.patterns.items()],
        place_cues=dict(vocabulary.place_cues),
        slot_words={slot: dict(values) for slot, values in vocabulary.slot_words.items()},
        slot_defaults=dict(vocabulary.slot_defaults),
        slot_patterns={slot: {value: re.compile(p) for value, p in values.items()}
                       for slot, values in vocabulary.slot_patterns.items()},
        evidence=frozenset(only_slot_words),
        shapes_first=vocabulary.shapes_first,
    )


def _known_words(intents: dict[str, IntentLexicon], synonyms: dict[str, str]) -> frozenset[str]:
    """Every keyword, slot word and synonym target: the words whose typos are generated."""
    words = set(synonyms.values())
    for spec in intents.values():
        words.update(spec.keywords)
        for values in spec.slot_words.values():
            for group in values.values():
                words.update(group)
    return frozenset(words)


def _in_dictionary(text: str) -> bool:
    """A word of jieba's own dictionary (its frequency table, not the words added for routing)."""
    return _base_tokenizer().FREQ.get(text, 0) > 0


def _on_word_edges(text: str, start: int, end: int) -> bool:
    """Whether no jieba word of ``text`` straddles ``start`` or ``end`` (a few characters of
    context either side decide it, as for one-character keywords in the router)."""
    left = max(0, start - 4)
    edges, offset = set(), left
    for token in _base_tokenizer().cut(text[left:end + 4], HMM=False):
        edges.add(offset)
        offset += len(token)
    edges.add(offset)
    return start in edges and end in edges


@lru_cache(maxsize=1)
def _base_tokenizer() -> jieba.Tokenizer:
    # jieba logs a "Building prefix dict" banner to stderr; members' messages are not the place
    # for it, and loading the dictionary (~1 s) happens once per process, here.
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_DICT))
    return tokenizer


def tokenizer(lexicon: Lexicon) -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, with the party-terms dictionary and every keyword and
    synonym target added as a word (adding an existing word again is harmless)."""
    tok = _base_tokenizer()
    for word in [*lexicon.index, *lexicon.single, *set(lexicon.synonyms.values())]:
        if tok.FREQ.get(word, 0) < 1000:
            tok.add_word(word, freq=2000)
    return tok
