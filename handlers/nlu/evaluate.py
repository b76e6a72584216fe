"""Measuring the router on a labelled JSONL file (../shared/nlu/README.md format: ``id``,
``text``, ``intent``, ``slots``, ``style``).

Slot accuracy counts every labelled slot and every slot the router produced where the label has
none: a slot is right only when both agree exactly (so extra slots are errors too).
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from handlers.nlu.router import Router


@dataclass
class Report:
    """Results of one evaluation run; ``misses`` holds (id, text, gold, predicted)."""

    total: int = 0
    correct: int = 0
    slot_total: int = 0
    slot_correct: int = 0
    per_style: Counter = field(default_factory=Counter)
    per_style_correct: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    true_positive: Counter = field(default_factory=Counter)
    confusions: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    slot_misses: list[tuple[str, str, dict, dict]] = field(default_factory=list)
    messages_per_second: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def slot_accuracy(self) -> float:
        return self.slot_correct / self.slot_total if self.slot_total else 1.0

    def precision(self, intent: str) -> float:
        return self.true_positive[intent] / self.predicted[intent] if self.predicted[intent] else 0.0

    def recall(self, intent: str) -> float:
        return self.true_positive[intent] / self.gold[intent] if self.gold[intent] else 0.0


def evaluate(router: Router, rows: list[dict], min_seconds: float = 0.3) -> Report:
    """Route every row once for the scores, then again for at least ``min_seconds`` to measure
    messages per second (normalise + route + slots, one thread)."""
    report = Report()
    for row in rows:
        route = router.route(row["text"])
        _score(report, row, route.intent, route.slots)
    report.messages_per_second = throughput(router, [r["text"] for r in rows], min_seconds)
    return report


def throughput(router: Router, texts: list[str], min_seconds: float) -> float:
    """Messages per CPU-second routing ``texts`` round-robin for at least ``min_seconds``.

    CPU time of this process (one thread, so one core), not wall time: on a shared machine other
    processes' load would otherwise be counted as the router's."""
    if not texts:
        return 0.0
    done, start = 0, time.process_time()
    while True:
        for text in texts:
            router.route(text)
        done += len(texts)
        elapsed = time.process_time() - start
        if elapsed >= min_seconds:
            return done / elapsed


def _score(report: Report, row: dict, intent: str, slots: dict[str, str]) -> None:
    gold, style = row["intent"], row.get("style", "")
    report.total += 1
    report.per_style[style] += 1
    report.gold[gold] += 1
    report.predicted[intent] += 1
    if intent == gold:
        report.correct += 1
        report.per_style_correct[style] += 1
        report.true_positive[gold] += 1
    else:
        report.confusions[(gold, intent)] += 1
        report.misses.append((row.get("id", ""), row["text"], gold, intent))
    expected = row.get("slots", {})
    keys = set(expected) | set(slots)
    right = sum(1 for k in keys if expected.get(k) == slots.get(k))
    report.slot_total += len(keys)
    report.slot_correct += right
    if right != len(keys):
        report.slot_misses.append((row.get("id", ""), row["text"], expected, slots))
