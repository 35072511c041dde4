"""OpenAI's sampling semantics on top of llama.cpp's sampler chain.

llama.cpp applies top_p *before* temperature and its penalties look at a window that
includes the prompt. OpenAI's documented penalty formula counts only tokens the
completion has produced, and the usual order (Hugging Face transformers; OpenAI does
not document its own) scales by temperature before the nucleus cut.
``OpenAIProcessor`` runs first in the chain and does, per step: add ``logit_bias``;
subtract presence/frequency penalties counted over the completion; record
log-probabilities; divide by the temperature. The chain after it is
then only top_p (on the tempered distribution), an optional grammar and
the seeded draw. Leaves out prompt rendering and response shaping (``helpers.local.chat``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["TokenLogprob", "OpenAIProcessor", "token_text"]


@dataclass
class TokenLogprob:
    """One sampled token's log-probability and the top alternatives at its position."""

    token_id: int
    logprob: float
    top: list[tuple[int, float]]


@dataclass
class OpenAIProcessor:
    """A llama-cpp-python logits processor with OpenAI's order of operations."""

    prompt_len: int
    temperature: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    logit_bias: dict[int, float] = field(default_factory=dict)
    top_logprobs: int | None = None  # None: do not record log-probabilities
    records: list[TokenLogprob] = field(default_factory=list)
    _last: np.ndarray | None = None
    _counts: dict[int, int] = field(default_factory=dict)
    _seen: int = 0

    def __post_init__(self) -> None:
        self._bias_ids = np.fromiter(self.logit_bias.keys(), dtype=np.int64, count=len(self.logit_bias))
        self._bias_vals = np.fromiter(self.logit_bias.values(), dtype=np.float32, count=len(self.logit_bias))
        self._penalise = bool(self.presence_penalty or self.frequency_penalty)

    def _absorb(self, input_ids: np.ndarray) -> None:
        """Account for tokens sampled since the last call (the completion so far)."""
        generated = input_ids[self.prompt_len + self._seen:]
        for token in generated.tolist():
            self._counts[token] = self._counts.get(token, 0) + 1
            self._record(token)
        self._seen += len(generated)

    def _record(self, token: int) -> None:
        if self._last is None:
            return
        logp = self._last
        k = self.top_logprobs or 0
        top: list[tuple[int, float]] = []
        if k:
            idx = np.argpartition(-logp, k)[:k]
            idx = idx[np.argsort(-logp[idx], kind="stable")]
            top = [(int(i), float(logp[i])) for i in idx]
        self.records.append(TokenLogprob(int(token), float(logp[token]), top))
        self._last = None

    def finish(self, final_token: int | None) -> None:
        """Record the last sampled token, which no later call will show us."""
        if final_token is not None:
            self._record(final_token)

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        self._absorb(input_ids)
        logits = scores.astype(np.float32, copy=True)
        if self._bias_ids.size:
            logits[self._bias_ids] += self._bias_vals
        if self._penalise and self._counts:
            ids = np.fromiter(self._counts.keys(), dtype=np.int64, count=len(self._counts))
            counts = np.fromiter(self._counts.values(), dtype=np.float32, count=len(self._counts))
            logits[ids] -= counts * self.frequency_penalty + self.presence_penalty
        if self.top_logprobs is not None:
            shifted = logits - logits.max()
            self._last = shifted - np.log(np.exp(shifted).sum())
        if self.temperature > 0:
            logits /= self.temperature
        return logits


def token_text(raw: bytes) -> str:
    """A token's text as OpenAI shows it; an incomplete UTF-8 piece is shown as escapes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes:" + "".join(f"\\x{b:02x}" for b in raw)
