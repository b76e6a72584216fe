"""The jieba intent router: normalise → tokenise → score each intent by its declared words →
decide (negation, the two-requests rule, ask when too close) → slots.

Scoring: every keyword, pattern and place cue an intent declares (see ``nlu.lexicon``) adds its
weight once, times 0 when negated and ½ in a second request (``nlu.clauses``). The highest score
wins, except that a real help request or info change is answered first and the other request
offered (../shared/nlu/README.md labelling rule); two intents too close to call are asked about
(``Route.clarify``). A message whose best score is below ``MIN_SCORE`` is ``unknown``; so is an
intent backed only by a few situation words (``EVIDENCE_MIN``). A letter's opening keyword, set
apart as a heading, counts ``HEADING`` times.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from handlers.context import Route
from nlu import clauses, lexicon, slots
from nlu.normalize import normalise
from nlu.places import Place, find_places

MIN_SCORE = 1.5
# Intents answered first when a message holds two requests, in this order.
PRIORITY = ("help_request", "update_info")
PRIORITY_MIN = 3.0
PRIORITY_RATIO = 0.75
# A member introducing themselves with a phone number is binding, not changing a number on file.
NOT_OVERRIDDEN = ("bind",)
# Nothing to act on, so nothing to extract ("去北京的高铁票" names no destination of the member).
NO_SLOTS = ("menu", "unknown")
# "…另外谢谢" is politeness, not a second request.
NEVER_OFFERED = ("menu", "unknown")
# Runner-up within this fraction of the winner (and no priority rule): ask instead of guessing.
CLOSE = 0.9
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
# is not yet asking about it (see SLOT_EVIDENCE in nlu.lexicon).
EVIDENCE_MIN = 2.5


@dataclass
class Hit:
    """One piece of evidence: ``word`` (keyword, pattern or place cue) for ``intent``."""

    intent: str
    word: str
    weight: float
    position: int


@dataclass
class Explanation:
    """Everything the router saw for one text (``kiteline nlu explain``)."""

    normalised: str
    tokens: list[str]
    hits: list[Hit]
    scores: dict[str, float]
    route: Route


class Router:
    """Routes member text to an intent with slots. Construct once per process (loads jieba and
    the user dictionary); ``route`` is then pure and thread-safe."""

    def __init__(self, intent_modules: dict[str, ModuleType], nlu_settings) -> None:
        self.lexicon = lexicon.build(intent_modules, nlu_settings)
        self._tokenizer = lexicon.tokenizer(self.lexicon)

    def route(self, text: str) -> Route:
        """The decision for ``text`` (any string; never raises for member input)."""
        return self.explain(text, all_tokens=False).route

    def explain(self, text: str, all_tokens: bool = True) -> Explanation:
        """The decision with its evidence: normalised text, tokens, hits and scores.

        ``all_tokens`` tokenises the whole text for display (``kiteline nlu explain``); routing
        itself only asks jieba about one-character keywords (see ``_single_hits``)."""
        norm = normalise(text[:MAX_CHARS], self.lexicon.synonyms, self.lexicon.variants)
        tokens = self._tokenizer.lcut(norm, HMM=False) if all_tokens and norm else []
        parts = clauses.analyse(norm)
        places = find_places(norm)
        hits = (self._keyword_hits(norm, parts) + self._single_hits(norm, parts)
                + self._pattern_hits(norm, places, parts))
        scores: dict[str, float] = {}
        for hit in hits:
            scores[hit.intent] = scores.get(hit.intent, 0.0) + hit.weight
        for intent in self._named_only(scores, hits):
            del scores[intent]
        route = _decide(scores, [h for h in hits if h.intent in scores], parts)
        route.slots = self._slots(norm, route.intent, places, parts)
        route.normalised = norm
        return Explanation(norm, [t for t in tokens if t.strip()], hits, scores, route)

    def _named_only(self, scores: dict[str, float], hits: list[Hit]) -> list[str]:
        """Intents whose only evidence is a few situation words (below ``EVIDENCE_MIN``)."""
        return [intent for intent, score in scores.items() if score < EVIDENCE_MIN and all(
            h.word in self.lexicon.intents[intent].evidence for h in hits if h.intent == intent)]

    def _keyword_hits(self, norm: str, parts: clauses.Clauses) -> list[Hit]:
        best: dict[tuple[str, str], Hit] = {}
        covered: dict[str, int] = {}  # intent -> end of its last counted keyword
        index, sizes = self.lexicon.index, self.lexicon.sizes
        for i, char in enumerate(norm):
            for size in sizes.get(char, ()):
                word = norm[i:i + size]
                for intent, weight in index.get(word, ()):
                    if i + size <= covered.get(intent, -1):
                        continue  # inside a longer keyword of the same intent (阳光驿站 ⊃ 驿站)
                    covered[intent] = i + size
                    if i == 0 and len(norm) >= LETTER and norm[size:size + 1] == " ":
                        weight *= HEADING
                    _keep_best(best, Hit(intent, word, weight * parts.weight(i, intent), i))
        return [hit for hit in best.values() if hit.weight > 0]

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
                            _keep_best(best, Hit(intent, char, weight * parts.weight(i, intent), i))
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
                                    weight * parts.weight(match.start(), intent), match.start()))
            for place, end in zip(places, ends):
                for cue, weight in spec.place_cues.items():
                    if norm.endswith(cue, 0, place.start):
                        done = MOVE_DONE if norm.startswith("了", end) else 0.0
                        factor = (weight + done) * parts.weight(place.start, intent)
                        if factor > 0:
                            hits.append(Hit(intent, cue + place.name, factor, place.start))
                        break
        return hits

    def _slots(self, norm: str, intent: str, places: list[Place],
               parts: clauses.Clauses) -> dict[str, str]:
        if intent in NO_SLOTS:
            return {}
        found = slots.places(norm, places)
        for name, value in (("phone", slots.phone(norm)), ("checkin_code", slots.checkin_code(norm))):
            if value:
                found[name] = value
        spec = self.lexicon.intents.get(intent)
        if spec is not None:
            for slot, values in spec.slot_words.items():
                value = (slots.from_words(norm, values, parts.is_negated,
                                          spec.slot_patterns.get(slot, {}))
                         or spec.slot_defaults.get(slot))
                if value:
                    found[slot] = value
        return found


def _keep_best(best: dict[tuple[str, str], Hit], hit: Hit) -> None:
    key = (hit.intent, hit.word)
    if key not in best or best[key].weight < hit.weight:
        best[key] = hit


def _decide(scores: dict[str, float], hits: list[Hit], parts: clauses.Clauses) -> Route:
    # equal scores: the request made first (before 另外/顺便) ranks higher
    first: dict[str, float] = {}
    for hit in hits:
        if hit.position < parts.second_from:
            first[hit.intent] = first.get(hit.intent, 0.0) + hit.weight
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -first.get(kv[0], 0.0)))
    if not ranked or ranked[0][1] < MIN_SCORE:
        return Route(intent="unknown", score=ranked[0][1] if ranked else 0.0)
    top, best = ranked[0]
    chosen = _priority_intent(scores, top, best) or top
    others = [(i, s) for i, s in ranked if i != chosen and s >= MIN_SCORE and i not in NEVER_OFFERED]
    route = Route(intent=chosen, score=scores[chosen], alternatives=[i for i, _ in others[:1]])
    second = {h.intent for h in hits if h.position >= parts.second_from} - {chosen, *NEVER_OFFERED}
    if second:  # "…另外/顺便 Y": Y is offered
        route.offer = max(second, key=scores.__getitem__)
    elif chosen in PRIORITY and others and others[0][1] >= PRIORITY_MIN:
        # Two requests, one a difficulty or a change: answer that one, offer the other.
        route.offer = others[0][0]
    elif chosen == top and others and others[0][1] >= CLOSE * best:
        route.clarify = True
    return route


def _priority_intent(scores: dict[str, float], top: str, best: float) -> str | None:
    """The help request or info change that outranks ``top`` under the two-requests rule."""
    if top in NOT_OVERRIDDEN:
        return None
    for intent in PRIORITY:
        score = scores.get(intent, 0.0)
        if score >= PRIORITY_MIN and (intent == top or score >= PRIORITY_RATIO * best):
            return intent
    return None
