"""Log-probability views: colours, table, confidence, yes/no probabilities."""

from __future__ import annotations

import math

import matplotlib
import pytest
from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob

from helpers.fake_client import token_logprob
from helpers.logprob_view import (
    alternatives,
    coloured_html,
    confidence,
    label_probabilities,
    plot_tokens,
)

matplotlib.use("Agg")


def entry(token: str, p: float, alts: list[tuple[str, float]] = ()) -> ChatCompletionTokenLogprob:
    """A token chosen with probability ``p``, with ``(token, probability)`` alternatives."""
    return token_logprob(token, math.log(p), [(t, math.log(q)) for t, q in alts])


CONTENT = [entry("Paris", 0.9, [("Paris", 0.9), ("Lyon", 0.05)]), entry(" is", 0.5, [(" is", 0.5), (" was", 0.4)]),
           entry("<b>", 0.1)]


def test_coloured_html_escapes_and_colours_by_probability():
    out = coloured_html(CONTENT)
    assert "&lt;b&gt;" in out and "<b>" not in out.split("<small>")[0].replace("<span", "")
    assert "hsl(108," in out and "hsl(12," in out  # 0.9 green-ish, 0.1 red-ish
    assert "p=0.900" in out


def test_alternatives_table_leaves_out_the_chosen_token():
    table = alternatives(CONTENT)
    assert list(table.index) == [0, 1, 2]
    assert "Lyon" in table.loc[0, "alternatives (p)"] and "'Paris'" not in table.loc[0, "alternatives (p)"]


def test_confidence_summary():
    summary = confidence(CONTENT)
    assert summary["tokens"] == 3
    assert summary["joint_probability"] == pytest.approx(0.9 * 0.5 * 0.1, rel=1e-4)
    assert summary["weakest_token_p"] == pytest.approx(0.1)
    assert summary["perplexity"] == pytest.approx((0.9 * 0.5 * 0.1) ** (-1 / 3), rel=1e-3)


def test_label_probabilities_merge_variants_and_renormalise():
    e = entry("Yes", 0.5, [("Yes", 0.5), (" yes", 0.1), ("No", 0.2), ("Maybe", 0.15)])
    p = label_probabilities(e)
    assert p["yes"] == pytest.approx(0.6 / 0.8) and p["no"] == pytest.approx(0.2 / 0.8)
    assert math.isnan(label_probabilities(entry("x", 1.0, [("x", 1.0)]))["yes"])


def test_plot_has_one_bar_per_token():
    ax = plot_tokens(CONTENT)
    assert len(ax.patches) == 3 and ax.patches[0].get_height() == pytest.approx(0.9)
