"""The next-token distribution explorer: what temperature and top_p do to one position.

From a real response's ``top_logprobs`` (at most 20 candidates per position) it
recomputes the candidates' probabilities under any temperature T and nucleus p, and
plots them: kept tokens highlighted, the top_p cut-off marked. No model call, so it
works with no key and under strict replay. Leaves out live generation (``helpers.sliders``).

The maths, over the shown candidates only (20 candidates are the head of a 49k-token
distribution, so everything is renormalised over that head):
    p_i(T) = exp(l_i / T) / sum_j exp(l_j / T)      (T -> 0: all mass on the argmax)
    nucleus: sort by p_i(T), keep the smallest prefix whose mass reaches p, renormalise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Candidates:
    """The alternatives the model considered at one position, best first."""

    tokens: list[str]
    logprobs: np.ndarray
    chosen: str | None = None

    @classmethod
    def from_token_logprob(cls, entry: Any) -> Candidates:
        """From one ``ChatCompletionTokenLogprob`` (an item of ``choice.logprobs.content``)."""
        pairs = sorted(((t.token, t.logprob) for t in entry.top_logprobs), key=lambda p: -p[1])
        if not pairs:
            raise ValueError("this position has no top_logprobs: ask with logprobs=True, top_logprobs=k (k >= 2)")
        return cls([t for t, _ in pairs], np.array([lp for _, lp in pairs], dtype=float), entry.token)


@dataclass(frozen=True)
class Distribution:
    """Probabilities at temperature T before the nucleus cut, the kept set, and the result."""

    tempered: np.ndarray
    kept: np.ndarray
    final: np.ndarray


def tempered(logprobs: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax of logprobs / T over the given candidates; T = 0 puts all mass on the argmax."""
    logprobs = np.asarray(logprobs, dtype=float)
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        out = np.zeros_like(logprobs)
        out[int(np.argmax(logprobs))] = 1.0
        return out
    scaled = logprobs / temperature
    scaled -= scaled.max()
    weights = np.exp(scaled)
    return weights / weights.sum()


def nucleus(probs: np.ndarray, top_p: float) -> np.ndarray:
    """Boolean mask of the smallest highest-probability set whose mass reaches top_p."""
    if not 0 <= top_p <= 1:
        raise ValueError("top_p must be between 0 and 1")
    order = np.argsort(-probs, kind="stable")
    mass = np.cumsum(probs[order])
    count = int(np.searchsorted(mass, top_p - 1e-12) + 1)
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[: max(1, min(count, len(probs)))]] = True
    return keep


def distribution(logprobs: np.ndarray, temperature: float = 1.0, top_p: float = 1.0) -> Distribution:
    """Temperature first, then the nucleus, as OpenAI applies them."""
    probs = tempered(logprobs, temperature)
    keep = nucleus(probs, top_p)
    final = np.where(keep, probs, 0.0)
    return Distribution(probs, keep, final / final.sum())
