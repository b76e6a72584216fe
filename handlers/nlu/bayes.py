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
from dataclasses import dataclass, field
from math import ceil, exp, log
from pathlib import Path
from struct import Struct
from typing import Collection, Iterable

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


# Each gram's log-likelihoods, one per label, are packed into one Python int: label k's value
# as a whole number of 2**-48 steps, raised by the model's ``offset`` so it is never negative,
# in the 64 bits from ``64 × k`` on. Adding the ints of a message's grams then adds every
# label's column at once — exactly, and in C: a message's few dozen grams cost a few dozen
# additions instead of numpy's calls, and a web worker does not load numpy (≈ 15 MB). A value
# moves by at most 2**-49 (≈ 2e-15) in the rounding, as much as its own float64 rounding at
# that size. A field holds the sum of ``capacity`` grams (2,048 for an offset below 32:
# ≈ 680 characters); a longer text is added in parts.
_SCALE_BITS = 48
_SCALE = 1 << _SCALE_BITS
_FIELD_BITS = 64


@dataclass
class ExampleModel:
    """Trained naive Bayes; build with :meth:`train`.

    ``labels``: the intents, in a fixed order; ``log_prior``: ln P(label), one per label;
    ``grams``: gram → its ln P(gram | label) for every label, packed into one int (see above;
    :meth:`log_likelihoods` unpacks one)."""

    labels: tuple[str, ...]
    log_prior: tuple[float, ...]
    grams: dict[str, int]
    offset: int
    size: int
    _fields: Struct = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._fields = Struct(f"<{len(self.labels)}Q")

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
        vocabulary = sorted(set().union(*counts.values()))
        row_of = {gram: row for row, gram in enumerate(vocabulary)}
        totals = []
        for label in labels:
            column = [alpha] * len(vocabulary)
            for gram, count in counts[label].items():
                column[row_of[gram]] += count
            totals.append(sum(column))
        # the lowest value of a column is that of the grams its label never saw
        offset = ceil(-min(log(alpha / total) for total in totals)) + 1
        columns = []
        for label, total in zip(labels, totals):
            column = [round(log(alpha / total) * _SCALE) + offset * _SCALE] * len(vocabulary)
            for gram, count in counts[label].items():
                column[row_of[gram]] = round(log((alpha + count) / total) * _SCALE) + offset * _SCALE
            columns.append(column)
        pack = Struct(f"<{len(labels)}Q").pack
        packed = (int.from_bytes(pack(*values), "little") for values in zip(*columns))
        examples_seen = sum(sizes.values())
        prior = tuple(log(sizes[label] / examples_seen) for label in labels)
        return cls(labels, prior, dict(zip(vocabulary, packed)), offset, examples_seen)

    @property
    def capacity(self) -> int:
        """How many packed rows add up without one field spilling into the next."""
        return 1 << (_FIELD_BITS - _SCALE_BITS - self.offset.bit_length())

    def posteriors(self, text: str) -> dict[str, float]:
        """P(intent | ``text``) for every intent, summing to 1; empty when no n-gram of ``text``
        occurs in the examples (nothing to judge by: 🙂, Москва, a code)."""
        rows = [row for row in map(self.grams.get, ngrams(text)) if row is not None]
        if not rows:
            return {}
        scores = list(self.log_prior)
        for start in range(0, len(rows), self.capacity):
            part = rows[start:start + self.capacity]
            for k, value in enumerate(self._unpack(sum(part), len(part))):
                scores[k] += value
        top = max(scores)
        weights = [exp(score - top) for score in scores]
        total = sum(weights)
        return {label: weight / total for label, weight in zip(self.labels, weights)}

    def log_likelihoods(self, gram: str) -> list[float]:
        """ln P(``gram`` | label) for each of :attr:`labels`; ``KeyError`` for a gram the
        examples never held."""
        return self._unpack(self.grams[gram], 1)

    def _unpack(self, packed: int, rows: int) -> list[float]:
        """The label sums in ``packed``, the sum of ``rows`` packed rows."""
        raised = rows * self.offset * _SCALE
        fields = self._fields.unpack(packed.to_bytes(self._fields.size, "little"))
        return [(value - raised) / _SCALE for value in fields]

    def telling(self, text: str, intent: str, count: int = 5) -> list[str]:
        """The n-grams of ``text`` that speak most for ``intent`` against every other intent
        (for ``kiteline nlu explain``); empty for an intent never seen in the examples."""
        if intent not in self.labels:
            return []
        k = self.labels.index(intent)

        def margin(gram: str) -> float:
            row = self.log_likelihoods(gram)
            return row[k] - max(row[:k] + row[k + 1:])

        grams = [g for g in ngrams(text) if g in self.grams and margin(g) > 0]
        return sorted(grams, key=lambda g: (-margin(g), -len(g), g))[:count]
