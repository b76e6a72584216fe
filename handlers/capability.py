"""What a capability declares: one :class:`Intent` per package under handlers/ (``INTENT``),
listed once in ``handlers.registry.INTENTS``.

The declaration holds everything the rest of the bot asks about an intent — its menu line, the
words offering it as a second request, whether it answers before binding, its words
(``handlers.nlu.vocabulary.Vocabulary``) and routing policy (``handlers.nlu.policy.Routing``) —
beside ``handle``, the function that answers it. It is checked when it is made, and its offer word
once the router is built (:func:`check_offers`), so a mistake stops start-up naming the module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

from handlers.context import Context, Incoming
from handlers.nlu.policy import Routing
from handlers.nlu.route import Route
from handlers.nlu.vocabulary import Vocabulary
from handlers.replies import Reply


class Offer(NamedTuple):
    """How a second request of this intent in the same message is offered (``handlers.clarify``):
    “另外，想{wish}，请再发“{word}”。” — ``word`` must route to the intent on its own."""

    wish: str
    word: str


@dataclass(frozen=True)
class Intent:
    """One capability: ``name`` (the router's label, as in the labelled examples), ``usage`` (its
    line in the menu, or ``None`` for none), ``offer`` (``None``: never offered as a second
    request, which its ``routing`` must say too), ``public`` (answered before the follower is
    bound), ``vocabulary``, ``routing``, ``handle(msg, ctx) -> Reply`` and ``for_unbound``
    (only a follower not yet bound needs it: a bound member is never asked to choose it).

    Raises ``ValueError`` naming the module for an empty name or usage line, an offer without a
    wish or a word, an offer the routing forbids (or a missing one it allows), or slot words for
    an intent whose routing extracts no slots."""

    name: str
    usage: str | None
    offer: Offer | None
    public: bool
    vocabulary: Vocabulary
    routing: Routing
    handle: Callable[[Incoming, Context], Reply]
    for_unbound: bool = False

    def __post_init__(self) -> None:
        problems = []
        if not self.name.isidentifier():
            problems.append(f"name {self.name!r} is no identifier")
        if self.usage is not None and not self.usage.strip():
            problems.append("empty usage line (None: no line in the menu)")
        if self.offer is not None and not all(part.strip() for part in self.offer):
            problems.append(f"offer {tuple(self.offer)!r} needs a wish and a word")
        if (self.offer is not None) != self.routing.offered:
            problems.append("an intent is offered as a second request (Routing.offered) "
                            "exactly when it declares an offer")
        if not self.routing.has_slots and self.vocabulary.slot_words:
            problems.append("slot words declared, but Routing(has_slots=False)")
        if problems:
            raise ValueError(f"{self.module}: intent {self.name}: " + "; ".join(problems))

    @property
    def module(self) -> str:
        """The module that declared this intent (where ``handle`` lives)."""
        return getattr(self.handle, "__module__", "?")


def check_offers(intents: Iterable[Intent], route: Callable[[str], Route]) -> None:
    """Check, with the router built from ``intents`` (its ``route``), that each offer word routes
    to its own intent. Raises ``ValueError`` naming the module when one does not."""
    for intent in intents:
        if intent.offer is not None:
            routed = route(intent.offer.word).intent
            if routed != intent.name:
                raise ValueError(f"{intent.module}: offer word {intent.offer.word!r} routes to "
                                 f"{routed}, not {intent.name}")
