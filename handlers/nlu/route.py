"""The router's decision for one text (``handlers.nlu.router.Router.route``)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class Route:
    """The router's decision for a text: the intent, its slots, and what the router saw."""

    intent: str
    slots: dict[str, str] = field(default_factory=dict)
    score: float = 0.0
    # Close runner-up intents, best first, when the router would rather ask than guess.
    alternatives: list[str] = field(default_factory=list)
    # True when ``alternatives`` are too close to call: ask a numbered question (handlers.clarify).
    clarify: bool = False
    # A second request in the same message, answered after this one is offered (两个请求).
    offer: str | None = None
    # The text as the router saw it (normalised), for logs and ``kiteline nlu explain``.
    normalised: str = ""
    # True when only the labelled examples' resemblance chose ``intent``, no word of it: a
    # handler whose action cannot be taken back (a help ticket) confirms first.
    guessed: bool = False

    def copy(self) -> Route:
        """A route equal to this one that its caller may change (slots, alternatives)."""
        return replace(self, slots=dict(self.slots), alternatives=list(self.alternatives))
