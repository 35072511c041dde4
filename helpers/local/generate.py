"""Generate one choice with the embedded model, token by token, with OpenAI's rules.

Covers the sampling settings (via ``OpenAIProcessor``), seeds, grammars, stop sequences
(never returned, held back while they might still be forming), the token limit with
``finish_reason="length"``, incremental UTF-8 decoding and log-probabilities aligned
with the returned text. Leaves out prompts, tools and the response's JSON shape.

Used in lessons: none (machinery).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Generator
from dataclasses import dataclass, field

from helpers import activity
from helpers.local import prefill
from helpers.local.sampling import OpenAIProcessor, TokenLogprob

__all__ = ["END_TOKENS", "Sampling", "Piece", "Outcome", "needs_processor", "held_back", "generate", "tokens_before"]

END_TOKENS = {0, 1, 2}  # <|endoftext|>, <|im_start|>, <|im_end|>


@dataclass
class Sampling:
    """The sampling part of a request, with OpenAI's defaults."""

    temperature: float = 1.0
    top_p: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    logit_bias: dict[int, float] = field(default_factory=dict)
    top_logprobs: int | None = None  # None: no logprobs
    stop: list[str] = field(default_factory=list)
    max_tokens: int = 256


@dataclass
class Piece:
    """A stretch of newly returned text and the log-probabilities of its tokens."""

    text: str
    logprobs: list[TokenLogprob]


@dataclass
class Outcome:
    """How a choice ended."""

    text: str
    finish_reason: str
    completion_tokens: int
    logprobs: list[TokenLogprob]


def needs_processor(s: Sampling) -> bool:
    """Whether these settings need ``OpenAIProcessor``: logit_bias, penalties, top_logprobs, or a
    temperature other than 0 or 1 with top_p < 1 (OpenAI's order: temperature before the nucleus)."""
    tempered_nucleus = s.top_p < 1 and s.temperature not in (0, 1)
    return bool(s.logit_bias or s.presence_penalty or s.frequency_penalty
                or s.top_logprobs is not None or tempered_nucleus)


def held_back(text: str, stops: list[str]) -> int:
    """How many trailing characters might be the start of a stop sequence."""
    keep = 0
    for stop in stops:
        for k in range(min(len(stop) - 1, len(text)), keep, -1):
            if stop.startswith(text[-k:]):
                keep = k
                break
    return keep


def generate(llm, prompt_tokens: list[int], s: Sampling, seed: int, grammar=None) -> Generator[Piece, None, Outcome]:
    """Yield text pieces as they become final; return the Outcome."""
    proc = None
    if needs_processor(s):
        proc = OpenAIProcessor(
            prompt_len=len(prompt_tokens), temperature=s.temperature,
            presence_penalty=s.presence_penalty, frequency_penalty=s.frequency_penalty,
            logit_bias=s.logit_bias, top_logprobs=s.top_logprobs,
        )
        chain_temp = 0.0 if s.temperature == 0 else 1.0
    else:
        chain_temp = s.temperature
    seed %= 2**32
    # The prompt as if read into an empty context (put back when it was read before: exact).
    # Never llama-cpp-python's prefix reuse: reading a tail onto a kept head changes the sums.
    prefill.read(llm, prompt_tokens)
    llm.set_seed(seed if seed != 0xFFFFFFFF else 0xFFFFFFFE)  # 0xFFFFFFFF means "random" to llama.cpp
    raw, tokens, starts = b"", [], []  # starts[i]: where token i begins in the text
    text, emitted, finish, last = "", 0, "length", None
    stream = llm.generate(
        prompt_tokens, top_k=0, top_p=s.top_p, min_p=0.0, typical_p=1.0, temp=chain_temp,
        repeat_penalty=1.0, logits_processor=[proc] if proc else None, grammar=grammar, reset=True,
    )
    sent = 0  # log-probability records already attached to a piece
    for token in stream:
        last = token
        activity.token()
        if token in END_TOKENS:
            finish = "stop"
            break
        tokens.append(token)
        starts.append(len(text))
        raw += llm.detokenize([token])
        text = raw.decode("utf-8", errors="ignore")
        cut = min((i for i in (text.find(x) for x in s.stop) if i >= 0), default=-1)
        if cut >= 0:
            text, finish = text[:cut], "stop"
            break
        if len(tokens) >= s.max_tokens:
            break
        safe = len(text) - held_back(text, s.stop)
        if safe > emitted:
            upto = min(tokens_before(starts, safe), len(proc.records)) if proc else 0
            yield Piece(text[emitted:safe], proc.records[sent:upto] if proc else [])
            emitted, sent = safe, max(sent, upto)
    stream.close()
    if proc is not None:
        proc.finish(last)
    records = proc.records[:tokens_before(starts, len(text))] if proc else []
    if len(text) > emitted or len(records) > sent:
        yield Piece(text[emitted:], records[sent:])
    return Outcome(text, finish, len(tokens), records)


def tokens_before(starts: list[int], limit: int) -> int:
    """How many tokens begin before character ``limit`` of the text."""
    return bisect_left(starts, limit)
