"""Repetition measures for generated text (used by the penalties lesson).

Covers the share of repeated words and the ratio of distinct n-grams: both fall
between 0 and 1, and both are computed on lower-cased words. Leaves out tokens
(a model's tokens are not words; these measures are about what a reader sees).

Used in lessons: 13.
"""

from __future__ import annotations

import re

__all__ = ["words", "repeated_share", "distinct_ngrams"]

WORD = re.compile(r"[\w']+")


def words(text: str) -> list[str]:
    """Lower-cased words of a text."""
    return [w.lower() for w in WORD.findall(text)]


def repeated_share(text: str) -> float:
    """Share of words that repeat an earlier word: 0 = all different, near 1 = one word over and over."""
    ws = words(text)
    return 0.0 if not ws else 1 - len(set(ws)) / len(ws)


def distinct_ngrams(text: str, n: int = 2) -> float:
    """Distinct n-grams / all n-grams (1 = no n-gram repeats)."""
    ws = words(text)
    grams = [tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)]
    return 1.0 if not grams else len(set(grams)) / len(grams)
