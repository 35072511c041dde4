"""Show log-probabilities: tokens coloured by probability, a per-token plot, yes/no odds.

Covers turning ``choice.logprobs.content`` into coloured HTML, a bar plot of each
token's probability, a small table of the top alternatives, a confidence summary and
the probability of "yes" vs "no" for classification. Leaves out the temperature/top_p
explorer (``helpers.explorer``).

Used in lessons: 12.
"""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["coloured_html", "show_coloured", "plot_tokens", "alternatives", "confidence", "label_probabilities"]


def _colour(p: float) -> str:
    """Red (unlikely) through yellow to green (certain)."""
    hue = int(120 * max(0.0, min(1.0, p)))
    return f"hsl({hue}, 75%, 80%)"


def coloured_html(content: list[Any]) -> str:
    """HTML of the tokens, each on a background coloured by its probability (hover: the number)."""
    spans = []
    for item in content:
        p = math.exp(item.logprob)
        text = html.escape(item.token).replace("\n", "↵<br>")
        spans.append(f"<span title='p={p:.3f}' style='background:{_colour(p)};padding:1px 0'>{text}</span>")
    legend = " ".join(f"<span style='background:{_colour(p)};padding:0 4px'>p={p:g}</span>" for p in (0.1, 0.5, 0.9))
    return f"<div style='line-height:1.9;font-family:monospace'>{''.join(spans)}</div><small>{legend}</small>"


def show_coloured(content: list[Any]) -> Any:
    """Display the coloured tokens in a notebook (returns an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(coloured_html(content))


def plot_tokens(content: list[Any], ax: Any = None) -> Any:
    """Bar chart of each generated token's probability."""
    import matplotlib.pyplot as plt

    probs = [math.exp(item.logprob) for item in content]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, len(probs) * 0.35), 3))
    ax.bar(range(len(probs)), probs, color=[plt.cm.RdYlGn(p) for p in probs])
    ax.set_xticks(range(len(probs)), [repr(item.token)[1:-1] for item in content], rotation=70, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability")
    ax.figure.tight_layout()
    return ax


def alternatives(content: list[Any], first: int = 8) -> Any:
    """A pandas table: for each of the first tokens, the chosen one and its top alternatives."""
    import pandas as pd

    rows = []
    for pos, item in enumerate(content[:first]):
        alts = ", ".join(f"{t.token!r} {math.exp(t.logprob):.2f}" for t in item.top_logprobs if t.token != item.token)
        rows.append({"position": pos, "token": repr(item.token), "p": round(math.exp(item.logprob), 3),
                     "alternatives (p)": alts})
    return pd.DataFrame(rows).set_index("position")


def confidence(content: list[Any]) -> dict[str, float]:
    """Summary of an answer's confidence: mean log-probability, perplexity, weakest token."""
    logprobs = [item.logprob for item in content]
    mean = sum(logprobs) / len(logprobs)
    return {"tokens": len(logprobs), "mean_logprob": round(mean, 4), "perplexity": round(math.exp(-mean), 3),
            "joint_probability": round(math.exp(sum(logprobs)), 6),
            "weakest_token_p": round(math.exp(min(logprobs)), 4)}


def label_probabilities(entry: Any, labels: tuple[str, ...] = ("yes", "no")) -> dict[str, float]:
    """P(label) at one position from its top_logprobs, merging case and leading-space variants,
    renormalised over the labels (tokens that are no label are ignored)."""
    mass = dict.fromkeys(labels, 0.0)
    for alt in entry.top_logprobs:
        word = alt.token.strip().lower()
        if word in mass:
            mass[word] += math.exp(alt.logprob)
    total = sum(mass.values())
    if total == 0:
        return dict.fromkeys(labels, float("nan"))
    return {label: value / total for label, value in mass.items()}
