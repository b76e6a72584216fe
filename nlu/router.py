"""The jieba intent router (first cut: keyword scores from each handler's ``KEYWORDS``)."""
from __future__ import annotations

from types import ModuleType

import jieba

from handlers.context import Route


class Router:
    """Scores each intent by the keywords declared beside its handler; best score wins."""

    def __init__(self, intent_modules: dict[str, ModuleType], nlu_settings) -> None:
        self._keywords = {name: dict(m.KEYWORDS) for name, m in intent_modules.items()}
        for intent, extra in nlu_settings.extra_keywords.items():
            self._keywords.setdefault(intent, {}).update({w: 2.0 for w in extra})

    def route(self, text: str) -> Route:
        scores: dict[str, float] = {}
        for intent, words in self._keywords.items():
            for word, weight in words.items():
                if word in text:
                    scores[intent] = scores.get(intent, 0.0) + weight
        if not scores:
            return Route(intent="unknown")
        best = max(scores, key=scores.get)
        return Route(intent=best, score=scores[best])
