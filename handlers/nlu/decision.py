"""Deciding a message's intent from the evidence the router gathered (``handlers.nlu.router``): the
highest score wins, except that an intent answered first (``Routing.answered_first``: a real
difficulty or a change) is answered and the other request offered (../shared/nlu/README.md
labelling rule); two intents too close to call are asked about (``Route.clarify``); a best score
below ``MIN_SCORE`` is the fallback. Which intent is which, the intents' routing policies say
(``handlers.nlu.policy``).

An offer (``Route.offer``) needs a real second request: the member's own words for it — not the
examples' resemblance, not a word inside the answered request's words (资料 in 学习资料) — in its
own part of the message, worth a request on their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from handlers.nlu import clauses
from handlers.nlu.policy import Policies
from handlers.nlu.route import Route

MIN_SCORE = 1.5
# An intent answered first takes the answer from the top intent when it scores this much, and at
# least this fraction of the top score.
PRIORITY_MIN = 3.0
PRIORITY_RATIO = 0.75
# Runner-up within this fraction of the winner (and no priority rule): ask instead of guessing.
CLOSE = 0.85
# The word an examples' hit shows in ``kiteline nlu explain``.
EXAMPLES = "≈例句"


@dataclass
class Hit:
    """One piece of evidence: ``word`` (keyword, pattern or place cue) for ``intent``, found at
    ``position`` and ending before ``end`` (the examples' opinion: 0 and 0)."""

    intent: str
    word: str
    weight: float
    position: int
    end: int = 0


def decide(scores: dict[str, float], hits: list[Hit], parts: clauses.Clauses,
           worded: set[str], alone: Callable[[int, int | None], Route], short: bool = False) -> Route:
    """The route for a message from its evidence: ``scores`` (intent → summed weight of its
    ``hits``), ``parts`` (negation and the second request, ``handlers.nlu.clauses``, with the
    intents' routing policies), ``worded`` (the
    intents a word of the member's names, not only the examples' resemblance or situation
    words) and ``short`` (a message of at most ``handlers.nlu.router.APART_MAX`` characters).
    ``alone(start, end)`` routes part of the text on its own (``end`` ``None``: to the end), to
    tell a second request from words of the first (see :func:`_second_request`)."""
    # equal scores: the request made first (before 另外/顺便) ranks higher
    first: dict[str, float] = {}
    for hit in hits:
        if hit.position < parts.second_from:
            first[hit.intent] = first.get(hit.intent, 0.0) + hit.weight
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -first.get(kv[0], 0.0)))
    # a request only made after 另外/顺便 is offered, not answered, unless it is answered first
    # (a difficulty or a change): "我先签到 2290 另外问问积分够不够" is a check-in
    # (the examples judge only the first request: their favour counts as made there)
    policies = parts.policies
    earlier = {h.intent for h in hits if h.position < parts.second_from and h.weight > 0}
    answered = [kv for kv in ranked if kv[0] in earlier or kv[0] in policies.first]
    if answered and answered[0][1] >= MIN_SCORE:
        ranked = answered + [kv for kv in ranked if kv not in answered]
    if not ranked or ranked[0][1] < MIN_SCORE:
        return Route(intent=policies.fallback, score=ranked[0][1] if ranked else 0.0)
    top, best = ranked[0]
    # the examples may choose an intent, but only words name a second request or a close call
    chosen = _priority_intent({i: s for i, s in scores.items() if i in worded}, top, best,
                              policies) or top
    others = [(i, s) for i, s in ranked if i != chosen and i in worded and s >= MIN_SCORE
              and i not in policies.never_offered]
    route = Route(intent=chosen, score=scores[chosen], alternatives=[i for i, _ in others[:1]],
                  guessed=chosen not in worded)
    second = {h.intent for h in hits if h.position >= parts.second_from} - {chosen, *policies.never_offered}
    if second:  # "…另外/顺便 Y": Y is offered, if it is a request of its own
        route.offer = _second_request(hits, chosen, parts, alone)
    elif chosen in policies.first and others and min(
            others[0][1], _own_words(hits, others[0][0], chosen, parts)) >= PRIORITY_MIN:
        # Two requests, one answered first (a difficulty, a change): answer it, offer the other.
        route.offer = others[0][0]
    elif chosen == top and others and others[0][1] >= CLOSE * best:
        # asked as numbered choices, in the order the member wrote them
        written = {}
        for hit in hits:
            if hit.word != EXAMPLES:
                written[hit.intent] = min(written.get(hit.intent, hit.position), hit.position)
        pair = sorted([chosen, others[0][0]], key=lambda intent: written.get(intent, 0))
        route = Route(intent=pair[0], score=scores[pair[0]], alternatives=pair[1:], clarify=True)
    elif short and others and _apart(hits, chosen, others[0][0], parts) >= PRIORITY_MIN:
        # two short requests, each in a clause of its own (驿站 党费): answer one, offer the other
        route.offer = others[0][0]
    return route


def _second_request(hits: list[Hit], chosen: str, parts: clauses.Clauses,
                    alone: Callable[[int, int | None], Route]) -> str | None:
    """The other request of a message that 另外/顺便 splits in two, or ``None``. It is named by
    its own words (:func:`_own_words`) in the part ``chosen`` was not asked in: words worth
    ``MIN_SCORE``, what a message needs to be understood at all, or lighter words (下次会在啥时候:
    会) when that part, routed on its own (``alone``), is a request of theirs in words. So 资料
    in 学习 还有资料吗 asks for lessons (the part alone is one), and 还有学习资料吗 has no
    first request before 还有 (see ``handlers.nlu.clauses``)."""
    # the examples judge only the first request: their favour counts as asked there
    asked_first = any(h.intent == chosen and h.position < parts.second_from and h.weight > 0
                      for h in hits)
    start, end = (parts.second_from, None) if asked_first else (0, parts.second_from)
    weights = {intent: _own_words(hits, intent, chosen, parts, start, end)
               for intent in {h.intent for h in hits} - {chosen, *parts.policies.never_offered}}
    weights = {intent: weight for intent, weight in weights.items() if weight > 0}
    if not weights:
        return None
    offer = max(weights, key=weights.__getitem__)
    if weights[offer] >= MIN_SCORE:
        return offer
    part = alone(start, end)
    return part.intent if part.intent in weights and not part.guessed else None


def _own_words(hits: list[Hit], intent: str, chosen: str, parts: clauses.Clauses, start: int = 0,
               end: int | None = None) -> float:
    """The weight of ``intent``'s words from ``start`` to ``end`` (``None``: the message's end),
    as if said alone (a second request's half undone): keywords, patterns and place cues the
    member wrote — not the examples' resemblance, and not a word that overlaps a word of
    ``chosen``'s at least as long, as a reader takes the longer word: 资料 in 学习资料, 人工 in
    两个人工资, the number in 新电话13700005566 (a change's, not a binding)."""
    taken = [(h.position, h.end) for h in hits if h.intent == chosen and h.word != EXAMPLES]
    total = 0.0
    for h in hits:
        if (h.intent == intent and h.word != EXAMPLES and start <= h.position
                and (end is None or h.position < end)
                and not any(s < h.end and h.position < e and e - s >= h.end - h.position
                            for s, e in taken)):
            total += h.weight / (parts.weight(h.position, intent) or 1.0)
    return total


def _apart(hits: list[Hit], chosen: str, other: str, parts: clauses.Clauses) -> float:
    """The weight of ``other``'s words in clauses where ``chosen`` has none (0 when a word of
    ``chosen`` shares each of their clauses: 学习强国的积分 is one request)."""
    chosen_clauses = {parts.clause(h.position) for h in hits
                      if h.intent == chosen and h.word != EXAMPLES}
    return sum(h.weight for h in hits if h.intent == other and h.word != EXAMPLES
               and parts.clause(h.position) not in chosen_clauses)


def _priority_intent(scores: dict[str, float], top: str, best: float,
                     policies: Policies) -> str | None:
    """The intent answered first that takes the answer from ``top`` under the two-requests rule:
    the first in their order that is strong enough, unless ``top`` (not itself answered first)
    outranks it."""
    for intent in policies.first:
        if top not in policies.first and policies.keeps_answer(top, intent):
            continue
        score = scores.get(intent, 0.0)
        if score >= PRIORITY_MIN and (intent == top or score >= PRIORITY_RATIO * best):
            return intent
    return None


@dataclass
class Explanation:
    """Everything the router saw for one text (``kiteline nlu explain``)."""

    normalised: str
    tokens: list[str]
    hits: list[Hit]
    scores: dict[str, float]
    route: Route
    opinion: dict[str, float]  # P(intent | message) from the labelled examples
    telling: list[str]  # the n-grams that most made the examples favour the routed intent
