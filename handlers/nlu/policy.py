"""How the router treats an intent beyond its words: the routing policy each capability declares
(``Routing``), and the policies of all of them gathered once (``Policies``), so that the router
itself names no intent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Iterable, Protocol

from handlers.nlu.vocabulary import Vocabulary


class Cue(StrEnum):
    """Words that take back what an intent's words say (``handlers.nlu.clauses``)."""

    UNCHANGED = "unchanged"  # "X 没变 / 还是原来的": X did not change
    RESOLVED = "resolved"  # "X 已经给了 / 解决了 / 没事了": everything before it is over
    THEIRS = "theirs"  # "包工头的电话是 137…": someone else's number, with the words naming them


@dataclass(frozen=True)
class Routing:
    """One intent's routing policy.

    * ``answered_first`` — a difficulty or a change the member most needs answered: when the
      message holds another request too, this one is answered and the other offered, and it
      counts fully even told after 另外/顺便 (../shared/nlu/README.md labelling rule).
    * ``outranks`` — intents this one keeps the answer from when both are in play under that rule:
      an answered-first intent outranking another is tried first; any intent outranking the
      answered-first ones keeps the answer when it scores highest (绑定 张某 138… is a binding,
      not a change of phone).
    * ``offered`` — whether it may be offered as a message's second request ("…另外谢谢" is
      politeness, not a request).
    * ``negated_by`` — cues that take back this intent's words (see :class:`Cue`).
    * ``owns_about`` — "讲 X 的课 / 关于 X 的视频": what was asked about counts for this intent
      only, not for X's.
    * ``has_slots`` — whether the router extracts slots for it (a greeting names no destination).
    * ``fallback`` — the intent of a message nothing matched; exactly one intent is.
    """

    answered_first: bool = False
    outranks: tuple[str, ...] = ()
    offered: bool = True
    negated_by: frozenset[Cue] = frozenset()
    owns_about: bool = False
    has_slots: bool = True
    fallback: bool = False


class Routable(Protocol):
    """What the router is built from, one per intent (``handlers.capability.Intent`` is one)."""

    name: str
    vocabulary: Vocabulary
    routing: Routing


@dataclass(frozen=True)
class Policies:
    """Every intent's :class:`Routing`, as the router asks about them. ``first``: the
    answered-first intents, each before those it outranks; ``outranks``: intent → intents it
    outranks; ``negated_by``: intent → cues; ``about_owners``, ``never_offered``, ``no_slots``:
    intent names; ``fallback``: the fallback's name ("" when built from nothing)."""

    first: tuple[str, ...] = ()
    outranks: dict[str, frozenset[str]] = field(default_factory=dict)
    negated_by: dict[str, frozenset[Cue]] = field(default_factory=dict)
    about_owners: frozenset[str] = frozenset()
    never_offered: frozenset[str] = frozenset()
    no_slots: frozenset[str] = frozenset()
    fallback: str = ""

    @classmethod
    def of(cls, intents: Iterable[Routable]) -> Policies:
        """Gather the policies. Raises ``ValueError`` naming the intent when ``outranks`` names
        an unknown intent, when there is not exactly one fallback, or when two answered-first
        intents have no order (neither outranks the other)."""
        routing = {intent.name: intent.routing for intent in intents}
        for name, policy in routing.items():
            unknown = [other for other in policy.outranks if other not in routing or other == name]
            if unknown:
                raise ValueError(f"{name}: Routing.outranks names {', '.join(unknown)}; "
                                 f"use one of {', '.join(sorted(set(routing) - {name}))}")
        fallbacks = [name for name, policy in routing.items() if policy.fallback]
        if len(fallbacks) != 1:
            raise ValueError(f"exactly one intent must be the fallback (Routing(fallback=True)), "
                             f"not {', '.join(fallbacks) or 'none'}")
        outranks = {name: frozenset(policy.outranks) for name, policy in routing.items()}
        first = [name for name, policy in routing.items() if policy.answered_first]
        for k, name in enumerate(first):
            for other in first[k + 1:]:
                if other not in outranks[name] and name not in outranks[other]:
                    raise ValueError(f"{name}, {other}: both answered first; say which outranks the other")
        first.sort(key=lambda name: -sum(other in outranks[name] for other in first))
        return cls(
            first=tuple(first), outranks=outranks,
            negated_by={name: policy.negated_by for name, policy in routing.items()},
            about_owners=frozenset(n for n, p in routing.items() if p.owns_about),
            never_offered=frozenset(n for n, p in routing.items() if not p.offered),
            no_slots=frozenset(n for n, p in routing.items() if not p.has_slots),
            fallback=fallbacks[0])

    def cues(self, intent: str) -> frozenset[Cue]:
        """The cues that take back ``intent``'s words."""
        return self.negated_by.get(intent, frozenset())

    def keeps_answer(self, intent: str, other: str) -> bool:
        """Whether ``intent`` outranks ``other``."""
        return other in self.outranks.get(intent, frozenset())
