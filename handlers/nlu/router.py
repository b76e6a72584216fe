"""The jieba intent router: normalise → tokenise → score each intent by its declared words and
by the labelled examples' opinion → decide (``handlers.nlu.decision``: the two-requests rule, ask when too
close) → slots.

Scoring: every keyword, pattern and place cue an intent declares (see ``handlers.nlu.lexicon``) adds its
weight once, times 0 when negated and ½ in a second request (``handlers.nlu.clauses``); the examples
(``handlers.nlu.bayes``) add how much the message resembles each intent's examples, within bounds
(``EXAMPLE_WEIGHT``, ``EXAMPLE_CAP``, ``EXAMPLE_DOUBT``). ``handlers.nlu.decision`` then picks the
intent (a help request or info change first, the other request offered; two intents too close
to call asked about). An intent backed only by a few situation words (``EVIDENCE_MIN``), or only
by a resemblance short of ``GUESS_SURE``, is the fallback. A letter's opening keyword, set apart
as a heading, counts ``HEADING`` times.

The router is built from each intent's name, ``Vocabulary`` and ``Routing``
(``handlers.nlu.policy.Routable``) and names no intent itself.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Collection, Iterable

from handlers.nlu import clauses, lexicon, slots
from handlers.nlu.bayes import TRAINING_FILES, ExampleModel, load
from handlers.nlu.decision import EXAMPLES, Explanation, Hit, decide
from handlers.nlu.normalize import normalise
from handlers.nlu.places import Place, find_places
from handlers.nlu.policy import Policies, Routable
from handlers.nlu.route import Route

# Two requests side by side in a message this short (驿站 党费, 积分 驿站在哪): the first is
# answered and the second offered. In longer messages a second word is mostly part of the story.
APART_MAX = 16
# "到天津了": a cue, a place and 了 — a move already made — counts this much more.
MOVE_DONE = 1.0
# Characters of context jieba sees around a one-character keyword.
WINDOW = 4
# Members' messages beyond this are letters; their beginning says what they are about.
MAX_CHARS = 600
# A letter (this long or longer) opening with a keyword on its own ("思想汇报 这半年…") names its
# subject there: that keyword counts this much more than the words of the story that follows.
LETTER = 30
HEADING = 1.5
# Situation words alone (高考 + 学校) must add up to this much to be a request: naming a topic
# is not yet asking about it (see ``Vocabulary.slot_evidence``).
EVIDENCE_MIN = 2.5
# The labelled examples' opinion (``handlers.nlu.bayes``) adds EXAMPLE_WEIGHT × ln(P(intent) / P(unknown))
# to an intent's score: examples 150 times surer of an intent than of "not understood" are worth
# a keyword of 1.5, and doubt counts against. 0.3 was the best of 0.1–0.5 on three sets of 200
# messages unseen by keywords and examples alike.
EXAMPLE_WEIGHT = 0.3
# Naive Bayes is overconfident (a short text can favour one intent by 10⁹ to 1): the examples
# add at most one strong keyword's worth, and take at most EXAMPLE_DOUBT from an intent: words
# the member wrote (有什么会要开吗) outweigh a resemblance (最近有什么 opens many lesson requests).
EXAMPLE_CAP = 3.0
EXAMPLE_DOUBT = 1.0
# Resemblance alone (no word of the intent) routes only at full strength and unambiguous:
# the examples' cap reached and this sure of the one intent. Chit-chat that merely looks like
# a request (这两天台风来不来啊, 嗯那个你等一下) falls short; 站点扣了我八百块罚款 does not.
GUESS_SURE = 0.9
# Posteriors are clipped here (a log of 0 is -inf); intents the examples give less than
# EXAMPLE_SHOWN and no keyword names get no hit at all.
EXAMPLE_FLOOR = 1e-12
EXAMPLE_SHOWN = 0.01
# A word-list slot no word names (help topic, lesson category) takes the examples' value when
# they are this sure of it.
SLOT_GUESS = 0.9
# ... and only for a message that describes something: a command (换一篇) names no kind, and
# on a short one (社保断交了咋整) the examples guess from too little (no loss measured at 10).
SLOT_GUESS_MIN_CHARS = 10
# Routes of this many texts are kept (least recently used go): a route is a function of the text
# alone, and members send the same short words again and again (菜单, 学习, 党费, 签到).
ROUTES_KEPT = 1024

class Router:
    """Routes member text to an intent with slots. Construct once per process (loads jieba and
    the user dictionary, learns from the labelled examples); ``route`` is then pure and
    thread-safe. ``intents``: each intent's name, vocabulary and routing policy. ``unseen``:
    texts the examples must leave out, to measure the router on messages it has not learnt from
    (``kiteline nlu eval --unseen``). Raises ``ValueError`` naming the intent, key, file or line
    when the routing policies contradict each other, ``nlu`` settings name an unknown intent or
    an examples file is unreadable or malformed."""

    def __init__(self, intents: Iterable[Routable], nlu_settings,
                 unseen: Collection[str] = ()) -> None:
        declared = list(intents)
        self.policies = Policies.of(declared)
        self.lexicon = lexicon.build(declared, nlu_settings)
        self._tokenizer = lexicon.tokenizer(self.lexicon)
        self._routes = lru_cache(maxsize=ROUTES_KEPT)(lambda text: self.explain(text, all_tokens=False).route)
        intents = set(self.lexicon.intents)
        rows = [row for path in TRAINING_FILES for row in load(path, intents)]
        for path in nlu_settings.example_files:
            try:
                rows += load(path, intents)
            except ValueError as exc:
                raise ValueError(f"nlu.example_files: {exc}") from None
        left_out = set(unseen)
        rows = [row for row in rows if row["text"] not in left_out]
        self.example_texts = frozenset(row["text"] for row in rows)
        texts = [self._example_text(row["text"]) for row in rows]
        self.examples = ExampleModel.train(zip(texts, (row["intent"] for row in rows)))
        # (intent, slot) -> the examples' opinion of a word-list slot ("" for none), learnt from
        # that intent's examples: 念书 + 赞助费 is schooling though no schooling word is said
        self.slot_examples = {
            (name, slot): ExampleModel.train(
                (text, row.get("slots", {}).get(slot, "")) for text, row in zip(texts, rows)
                if row["intent"] == name)
            for name, spec in self.lexicon.intents.items() for slot in spec.slot_words
            if any(row["intent"] == name for row in rows)}

    def route(self, text: str) -> Route:
        """The decision for ``text`` (any string; never raises for member input): a copy of the
        one kept (``ROUTES_KEPT``) for the same first ``MAX_CHARS``, all that routing reads."""
        return self._routes(text[:MAX_CHARS]).copy()

    def explain(self, text: str, all_tokens: bool = True) -> Explanation:
        """The decision with its evidence: normalised text, tokens, hits and scores.

        ``all_tokens`` tokenises the whole text for display (``kiteline nlu explain``); routing
        itself only asks jieba about one-character keywords (see ``_single_hits``)."""
        norm = normalise(text[:MAX_CHARS], self.lexicon.synonyms, self.lexicon.variants)
        tokens = self._tokenizer.lcut(norm, HMM=False) if all_tokens and norm else []
        parts = clauses.analyse(norm, self.policies)
        places = find_places(norm)
        first = _first_request(norm, parts)
        opinion = self.examples.posteriors(first)
        keyword_hits, disowned = self._keyword_hits(norm, parts)
        hits = keyword_hits + self._single_hits(norm, parts) + self._pattern_hits(norm, places, parts)
        keyed = {hit.intent for hit in hits}
        # a word declared 0 (短视频, 驾照扣分, 骑手的积分) says what looks like that intent is
        # something else: the examples' resemblance to it does not count either
        hits += [hit for hit in _example_hits(opinion, keyed, self.policies.fallback)
                 if hit.intent not in disowned or hit.intent in keyed]
        scores: dict[str, float] = {}
        for hit in hits:
            scores[hit.intent] = scores.get(hit.intent, 0.0) + hit.weight
        for intent in self._named_only(scores, hits):
            del scores[intent]
        # intents the member named in words, not only by situation words or resemblance
        worded = {h.intent for h in hits if h.intent in scores and h.word != EXAMPLES
                  and h.word not in self.lexicon.intents[h.intent].evidence}
        route = decide(scores, [h for h in hits if h.intent in scores], parts, worded,
                       short=len(norm) <= APART_MAX,
                       alone=lambda start, end: self.route(norm[start:end]))
        if route.guessed and (route.score < EXAMPLE_CAP or opinion[route.intent] < GUESS_SURE):
            route = Route(intent=self.policies.fallback, score=route.score)
        route.slots = self._slots(norm, route.intent, places, parts, first)
        route.normalised = norm
        telling = self.examples.telling(first, route.intent) if all_tokens else []
        return Explanation(norm, [t for t in tokens if t.strip()], hits, scores, route,
                           opinion, telling)

    def _example_text(self, text: str) -> str:
        """What the examples learn from in a labelled ``text``: see :func:`_first_request`."""
        norm = normalise(text[:MAX_CHARS], self.lexicon.synonyms, self.lexicon.variants)
        return _first_request(norm, clauses.analyse(norm))

    def _named_only(self, scores: dict[str, float], hits: list[Hit]) -> list[str]:
        """Intents whose only evidence is a few situation words (below ``EVIDENCE_MIN``)."""
        return [intent for intent, score in scores.items() if score < EVIDENCE_MIN and all(
            h.word in self.lexicon.intents[intent].evidence for h in hits if h.intent == intent)]

    def _keyword_hits(self, norm: str, parts: clauses.Clauses) -> tuple[list[Hit], set[str]]:
        """The keywords' hits, and the intents a keyword of weight 0 disowns here."""
        best: dict[tuple[str, str], Hit] = {}
        disowned = set()
        covered: dict[str, int] = {}  # intent -> end of its last counted keyword
        index, sizes = self.lexicon.index, self.lexicon.sizes
        for i, char in enumerate(norm):
            for size in sizes.get(char, ()):
                word = norm[i:i + size]
                for intent, weight in index.get(word, ()):
                    if i + size <= covered.get(intent, -1):
                        continue  # inside a longer keyword of the same intent (阳光驿站 ⊃ 驿站)
                    covered[intent] = i + size
                    if weight == 0:
                        disowned.add(intent)
                    if i == 0 and len(norm) >= LETTER and norm[size:size + 1] == " ":
                        weight *= HEADING
                    _keep_best(best, Hit(intent, word, weight * parts.weight(i, intent), i, i + size))
        return [hit for hit in best.values() if hit.weight > 0], disowned

    def _single_hits(self, norm: str, parts: clauses.Clauses) -> list[Hit]:
        """One-character keywords count only where jieba cuts them as a word of their own (会 in
        "这个月的会", not in 会员 or 不会). jieba sees a window of ``WINDOW`` characters either
        side — its choice there is the same as in the whole text, at a fraction of the cost."""
        best: dict[tuple[str, str], Hit] = {}
        for i, char in enumerate(norm):
            entries = self.lexicon.single.get(char)
            if not entries:
                continue
            start = max(0, i - WINDOW)
            offset = 0
            for token in self._tokenizer.cut(norm[start:i + WINDOW + 1], HMM=False):
                if offset == i - start:
                    if token == char:
                        for intent, weight in entries:
                            _keep_best(best, Hit(intent, char, weight * parts.weight(i, intent), i,
                                                 i + 1))
                    break
                offset += len(token)
        return [hit for hit in best.values() if hit.weight > 0]

    def _pattern_hits(self, norm: str, places: list[Place], parts: clauses.Clauses) -> list[Hit]:
        hits = []
        # where each mention ends, counting a place written right after it (新疆乌鲁木齐了)
        ends = [p.end for p in places]
        for k in range(len(places) - 2, -1, -1):
            if places[k + 1].start == places[k].end:
                ends[k] = ends[k + 1]
        for intent, spec in self.lexicon.intents.items():
            for pattern, weight in spec.patterns:
                match = pattern.search(norm)
                if match and parts.weight(match.start(), intent) > 0:
                    hits.append(Hit(intent, pattern.pattern,
                                    weight * parts.weight(match.start(), intent), match.start(),
                                    match.end()))
            for place, end in zip(places, ends):
                for cue, weight in spec.place_cues.items():
                    if norm.endswith(cue, 0, place.start):
                        done = MOVE_DONE if norm.startswith("了", end) else 0.0
                        factor = (weight + done) * parts.weight(place.start, intent)
                        if factor > 0:
                            hits.append(Hit(intent, cue + place.name, factor, place.start, end))
                        break
        return hits

    def _slots(self, norm: str, intent: str, places: list[Place], parts: clauses.Clauses,
               first: str) -> dict[str, str]:
        if intent in self.policies.no_slots:
            return {}
        found = slots.places(norm, places)
        for name, value in (("phone", slots.phone(norm)), ("checkin_code", slots.checkin_code(norm))):
            if value:
                found[name] = value
        spec = self.lexicon.intents.get(intent)
        if spec is not None:
            for slot, values in spec.slot_words.items():
                shaped = slots.shaped(norm, spec.slot_patterns.get(slot, {}), parts.is_negated)
                if slot in spec.shapes_first and shaped:
                    value = shaped[0]
                else:
                    named = slots.named(norm, values, parts.is_negated)
                    value = self._slot_choice(intent, slot, first,
                                              shaped + [v for v in named if v not in shaped])
                value = value or spec.slot_defaults.get(slot)
                if value:
                    found[slot] = value
        return found

    def _slot_choice(self, intent: str, slot: str, first: str, named: list[str]) -> str | None:
        """The value of a word-list slot: the one its words (or patterns) name; of several named
        (房子漏水 … 娃都住出病了; 讲种植补贴政策的), the one the examples favour; of none, the
        examples' guess."""
        if len(named) == 1:
            return named[0]
        if not named:
            return self._slot_guess(intent, slot, first)
        model = self.slot_examples.get((intent, slot))
        opinion = model.posteriors(first) if model is not None else {}
        return max(named, key=lambda value: opinion.get(value, 0.0)) if opinion else named[0]

    def _slot_guess(self, intent: str, slot: str, first: str) -> str | None:
        """The examples' value for a word-list slot no word named, when they are at least
        ``SLOT_GUESS`` sure and the message is ``SLOT_GUESS_MIN_CHARS`` long (None, or a value
        of ``""`` meaning "no such slot", otherwise)."""
        model = self.slot_examples.get((intent, slot))
        if model is None or len(first.replace(" ", "")) < SLOT_GUESS_MIN_CHARS:
            return None
        opinion = model.posteriors(first)
        value = max(opinion, key=opinion.__getitem__)
        return value if opinion[value] >= SLOT_GUESS else None


def _first_request(norm: str, parts: clauses.Clauses) -> str:
    """Normalised text as the examples judge it: negated words blanked, and only the first
    request (a second one, after 另外/顺便, is only offered)."""
    return parts.affirmed(norm)[:parts.second_from or len(norm)]


def _example_hits(opinion: dict[str, float], keyed: set[str], fallback: str) -> list[Hit]:
    """The examples' opinion as evidence, for every intent with a keyword hit or a posterior of at
    least ``EXAMPLE_SHOWN``: ``EXAMPLE_WEIGHT × ln(P(intent) / P(fallback))`` — positive where the
    examples favour the intent over "not understood", negative where they doubt it. The likeliest
    intent's weight is capped at ``EXAMPLE_CAP`` and the others keep their distance below it
    (``EXAMPLE_WEIGHT × ln(P(likeliest) / P(intent))``), down to ``-EXAMPLE_DOUBT``."""
    if not opinion:
        return []
    unknown = max(opinion.get(fallback, 0.0), EXAMPLE_FLOOR)
    likeliest = max(opinion.values())
    top = min(EXAMPLE_CAP, EXAMPLE_WEIGHT * math.log(likeliest / unknown))
    hits = []
    for intent, p in opinion.items():
        if intent != fallback and (p >= EXAMPLE_SHOWN or intent in keyed):
            weight = top - EXAMPLE_WEIGHT * math.log(likeliest / max(p, EXAMPLE_FLOOR))
            hits.append(Hit(intent, EXAMPLES, max(-EXAMPLE_DOUBT, weight), 0))
    return hits


def _keep_best(best: dict[tuple[str, str], Hit], hit: Hit) -> None:
    key = (hit.intent, hit.word)
    if key not in best or best[key].weight < hit.weight:
        best[key] = hit
