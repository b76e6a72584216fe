"""The router's second opinion: how much a message resembles the labelled examples of each intent.

Keywords reach only as far as someone wrote them down, and members tell a difficulty in words no
list foresaw (手术费还差一截, 站点扣了我八百块罚款). The labelled example messages in
``handlers/nlu/train/`` (and the files ``nlu.example_files`` in config.yaml adds) say which characters
and character pairs go with which intent; the router weighs that opinion with the keywords
(``handlers.nlu.router``: ``EXAMPLE_WEIGHT``, and the help topic or lesson category no word named).

Model: multinomial naive Bayes over the *set* of character 1–3-grams of the normalised text,
add-``alpha`` smoothing, unseen n-grams ignored (Manning, Raghavan & Schütze, *Introduction to
Information Retrieval*, 2008, ch. 13). Characters, not jieba words: a typo or a dialect form
changes one n-gram, not the whole word.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable

import numpy as np

MAX_N = 3
# The labelled messages the router learns from, one file per intent (../shared/nlu/README.md
# format, plus ``set``: the round the message was written in); config.yaml's
# ``nlu.example_files`` adds a deployment's own.
TRAINING_FILES = tuple(sorted(Path(__file__).with_name("train").glob("*.jsonl")))
# Labelled messages never learnt from, by the round they were written in: what
# ``kiteline nlu eval`` measures the router on as on messages it has not seen.
SEALED_FILES = tuple(sorted(Path(__file__).with_name("sealed").glob("*.jsonl")))


def load(path: str | Path, intents: Collection[str] | None = None) -> list[dict]:
    """The labelled rows (``id``, ``text``, ``intent``, ``slots``, ``style``) of a JSONL file,
    blank lines skipped. Raises ``OSError`` for an unreadable file and ``ValueError`` naming the
    file and line for a line that is no JSON object with ``text`` and ``intent``, or whose intent
    is not one of ``intents`` (when given)."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) \
                or not isinstance(row.get("intent"), str):
            raise ValueError(f"{path}:{number}: needs \"text\" and \"intent\"")
        if intents is not None and row["intent"] not in intents:
            raise ValueError(f"{path}:{number}: unknown intent {row['intent']!r}; use one of "
                             + ", ".join(sorted(intents)))
        rows.append(row)
    return rows


def ngrams(text: str) -> set[str]:
    """The distinct character 1–3-grams of ``text`` within its space-separated clauses."""
    return {clause[i:i + n] for clause in text.split() for n in range(1, MAX_N + 1)
            for i in range(len(clause) - n + 1)}


@dataclass
class ExampleModel:
    """Trained naive Bayes; build with :meth:`train`.

    ``labels``: the intents, in a fixed order; ``log_prior``: ln P(label), shape (labels,);
    ``log_likelihood``: ln P(gram | label), shape (grams, labels), its rows numbered by
    ``vocabulary`` (gram → row)."""

    labels: tuple[str, ...]
    log_prior: np.ndarray
    log_likelihood: np.ndarray
    vocabulary: dict[str, int]
    size: int

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]], alpha: float = 0.3) -> ExampleModel:
        """Learn from ``(normalised text, intent)`` pairs. Raises ``ValueError`` when empty."""
        counts: dict[str, Counter] = {}
        sizes: Counter = Counter()
        for text, intent in examples:
            counts.setdefault(intent, Counter()).update(ngrams(text))
            sizes[intent] += 1
        if not counts:
            raise ValueError("no labelled examples to learn from")
        labels = tuple(sorted(counts))
        vocabulary = {gram: row for row, gram in enumerate(sorted(set().union(*counts.values())))}
        table = np.full((len(vocabulary), len(labels)), alpha)
        for k, label in enumerate(labels):
            for gram, count in counts[label].items():
                table[vocabulary[gram], k] += count
        table = np.log(table / table.sum(axis=0))
        prior = np.log(np.array([sizes[label] for label in labels]) / sum(sizes.values()))
        return cls(labels, prior, table, vocabulary, sum(sizes.values()))

    def posteriors(self, text: str) -> dict[str, float]:
        """P(intent | ``text``) for every intent, summing to 1; empty when no n-gram of ``text``
        occurs in the examples (nothing to judge by: 🙂, Москва, a code)."""
        rows = [row for row in map(self.vocabulary.get, ngrams(text)) if row is not None]
        if not rows:
            return {}
        scores = self.log_prior + self.log_likelihood.take(rows, axis=0).sum(axis=0)
        weights = np.exp(scores - scores.max())
        return dict(zip(self.labels, (weights / weights.sum()).tolist()))

    def telling(self, text: str, intent: str, count: int = 5) -> list[str]:
        """The n-grams of ``text`` that speak most for ``intent`` against every other intent
        (for ``kiteline nlu explain``); empty for an intent never seen in the examples."""
        if intent not in self.labels:
            return []
        k = self.labels.index(intent)

        def margin(gram: str) -> float:
            row = self.log_likelihood[self.vocabulary[gram]]
            return float(row[k] - np.delete(row, k).max())

        grams = [g for g in ngrams(text) if g in self.vocabulary and margin(g) > 0]
        return sorted(grams, key=lambda g: (-margin(g), -len(g), g))[:count]
