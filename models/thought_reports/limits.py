"""What a thought report must be to be stored: enough words, not too long (``thought_report``
in config). A report that fails is refused whole — nothing of it is stored."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from models.settings import ThoughtReportSettings


class Fault(StrEnum):
    """Why a report cannot be stored."""

    NO_WORDS = "no_words"  # only emoji, punctuation or spaces
    TOO_SHORT = "too_short"  # fewer than min_chars letters, digits and Chinese characters
    TOO_LONG = "too_long"  # more than max_chars characters


@dataclass(frozen=True)
class Refusal:
    """A report refused: ``fault``, its ``length`` (the words counted for a short one, every
    character for a long one) and the ``limit`` it missed."""

    fault: Fault
    length: int
    limit: int


def word_count(text: str) -> int:
    """Letters, digits and Chinese characters in ``text`` (full-width folded): punctuation,
    emoji and spaces say nothing."""
    return sum(1 for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")


def length(text: str) -> int:
    """The characters of ``text`` as stored (ends trimmed), everything counted."""
    return len(text.strip())


def refusal(text: str, limits: ThoughtReportSettings) -> Refusal | None:
    """Why ``text`` cannot be stored as a report, or ``None`` when it can."""
    size = length(text)
    if size > limits.max_chars:
        return Refusal(Fault.TOO_LONG, size, limits.max_chars)
    said = word_count(text)
    if said == 0:
        return Refusal(Fault.NO_WORDS, 0, limits.min_chars)
    if said < limits.min_chars:
        return Refusal(Fault.TOO_SHORT, said, limits.min_chars)
    return None
