"""The next-token distribution explorer: what temperature and top_p do to one position.

From a real response's ``top_logprobs`` (at most 20 candidates per position) it
recomputes the candidates' probabilities under any temperature T and nucleus p, and
plots them: kept tokens highlighted, the top_p cut-off marked. No model call, so it
works with no key and under strict replay. The token the model actually sampled can lie
outside the candidates shown (at T=1 the tail beyond the top 20 keeps real mass):
:func:`sampled_note` says so, with its probability. Leaves out live generation
(``helpers.sliders``).

The maths, over the shown candidates only (20 candidates are the head of a 49k-token
distribution, so everything is renormalised over that head):
    p_i(T) = exp(l_i / T) / sum_j exp(l_j / T)      (T -> 0: all mass on the argmax)
    nucleus: sort by p_i(T), keep the smallest prefix whose mass reaches p, renormalise.

Used in lessons: 04, 06.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Candidates", "sampled_note", "Distribution", "tempered", "nucleus", "distribution"]


@dataclass(frozen=True)
class Candidates:
    """The alternatives the model considered at one position, best first."""

    tokens: list[str]
    logprobs: np.ndarray
    chosen: str | None = None
    chosen_logprob: float | None = None  # the sampled token's own logprob, as the response gave it

    @classmethod
    def from_token_logprob(cls, entry: Any) -> Candidates:
        """From one ``ChatCompletionTokenLogprob`` (an item of ``choice.logprobs.content``)."""
        pairs = sorted(((t.token, t.logprob) for t in entry.top_logprobs), key=lambda p: -p[1])
        if not pairs:
            raise ValueError("this position has no top_logprobs: ask with logprobs=True, top_logprobs=k (k >= 2)")
        logprobs = np.array([lp for _, lp in pairs], dtype=float)
        return cls([t for t, _ in pairs], logprobs, entry.token, getattr(entry, "logprob", None))

    @property
    def chosen_shown(self) -> bool:
        """True when the sampled token is one of the candidates shown (or none is known)."""
        return self.chosen is None or self.chosen in self.tokens


def _percent(p: float) -> str:
    return f"{p:.1%}" if p >= 0.001 else f"{p * 100:.2g}%" if p > 0 else "0%"


def sampled_note(cands: Candidates) -> str:
    """One sentence when the sampled token is not among the candidates shown, else ''.

    E.g. "sampled token 'Al' (p=0.4%) is outside the top 20 shown: they hold 71% of the
    probability, the sampled one came from the rest."""
    if cands.chosen_shown:
        return ""
    known = cands.chosen_logprob is not None
    p = f" (p={_percent(float(np.exp(cands.chosen_logprob)))})" if known else ""
    head = float(np.exp(cands.logprobs).sum())
    return (f"sampled token {cands.chosen!r}{p} is outside the top {len(cands.tokens)} shown: "
            f"they hold {_percent(min(head, 1.0))} of the probability, the sampled one came "
            "from the rest.")


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
