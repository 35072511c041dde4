"""Repetition measures."""

from __future__ import annotations

import pytest

from helpers.textstats import distinct_ngrams, repeated_share, words


def test_words_are_lower_cased_and_keep_apostrophes():
    assert words("Don't STOP, don't!") == ["don't", "stop", "don't"]


@pytest.mark.parametrize(("text", "share"), [("a b c", 0.0), ("tree tree tree tree", 0.75),
                                             ("The cat and the hat", 0.2), ("", 0.0)])
def test_repeated_share(text, share):
    assert repeated_share(text) == pytest.approx(share)


def test_distinct_ngrams():
    assert distinct_ngrams("a b a b a b") == pytest.approx(2 / 5)
    assert distinct_ngrams("one two three") == 1.0
    assert distinct_ngrams("word") == 1.0
