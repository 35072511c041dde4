"""Read a prompt once for every generation that starts from it: an exact prefill cache.

A request for ``n`` choices, a slider moved over one prompt, a seed tried twice, a tool call
after ``tool_choice="auto"`` peeked at the answer: each generation starts by reading its
prompt into an empty context, and reading prompts is about half of the embedded model's
work (8-12 ms a token on one core, against about 25 ms for each token it writes).
``read(llm, tokens)`` leaves the model exactly as reading ``tokens`` from an empty context
leaves it. The first time, it reads them and keeps what reading produced: llama.cpp's
state (the KV cache of those tokens) and the logits of the last one. The next time the
same tokens come, it puts both back instead of reading again. They are the very floats a
second read computes (same build, same threads, same batches), so texts, seeds and
log-probabilities are bit-identical either way: ``tests/local/test_prefill.py`` compares
them, greedy and sampled, with penalties, logprobs and a grammar, in one batch and many.

Leaves out partial matches: a prompt that merely starts like a kept one is read whole.
Reading only its new tail onto a kept head splits the work into other batches, which
changes the sums and can flip a near-tie; that is what llama-cpp-python's own prefix reuse
does, and why ``generate`` never relies on it. Also leaves out reporting any of this as
``cached_tokens``: that field counts OpenAI's prompt cache, billed at its own price, and
the local model has no bill. Keeps the last ``KEEP`` prompts per model, in memory (about
17 kB per prompt token for SmolLM2-135M, so ``MAX_TOKENS`` bounds it near 70 MB).

Reaches into llama-cpp-python past its public API (``Llama._ctx``, ``n_tokens``,
``input_ids``, ``_requires_eval``), pinned in pyproject.toml; the test above is what says
a new version still restores exactly.

Used in lessons: none (machinery).
"""

from __future__ import annotations

import ctypes
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

__all__ = ["KEEP", "MAX_TOKENS", "read", "forget", "kept"]

KEEP = 4  # n choices with tool_choice="auto" alternate two prompts: the peek, then the call
MAX_TOKENS = 4096  # prompt tokens kept per model, over all kept prompts


@dataclass
class _Read:
    """What reading one prompt into an empty context left behind."""

    state: ctypes.Array  # llama_state_get_data: the KV cache of the prompt's tokens
    logits: np.ndarray  # the last prompt token's logits (the state does not hold them)


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Llama -> OrderedDict[tuple, _Read]


def read(llm, tokens: list[int]) -> bool:
    """Leave ``llm`` as if it had just read ``tokens`` from an empty context, ready for
    ``llm.generate(tokens, reset=True)`` to sample the first new token. True if the
    prompt was put back rather than read."""
    key = tuple(tokens)
    kept = _KEPT.setdefault(llm, OrderedDict())
    saved = kept.get(key)
    if saved is not None:
        if _restore(llm, key, saved):
            kept.move_to_end(key)
            return True
        del kept[key]  # llama.cpp refused it: read the prompt (which clears what was half put back)
    llm.reset()
    llm.eval(tokens)
    saved = _save(llm) if len(key) <= MAX_TOKENS else None  # too long to keep: no copy either
    if saved is not None:
        kept[key] = saved
        while len(kept) > KEEP or sum(map(len, kept)) > MAX_TOKENS:
            kept.popitem(last=False)
    return False


def forget(llm) -> None:
    """Drop every prompt kept for ``llm``."""
    _KEPT.pop(llm, None)


def kept(llm) -> list[tuple[int, ...]]:
    """The prompts kept for ``llm``, oldest first."""
    return list(_KEPT.get(llm, {}))


def _logits_row(llm):
    """A pointer to the logits llama.cpp samples next from, or None if it has none."""
    ptr = llm._ctx.get_logits_ith(-1)
    return ptr if ptr else None


def _save(llm) -> _Read | None:
    import llama_cpp

    row = _logits_row(llm)
    if row is None:
        return None
    ctx = llm._ctx.ctx
    size = llama_cpp.llama_state_get_size(ctx)
    buffer = (ctypes.c_uint8 * size)()
    used = llama_cpp.llama_state_get_data(ctx, buffer, size)
    if not 0 < used <= size:
        return None
    state = (ctypes.c_uint8 * used).from_buffer_copy(buffer, 0) if used < size else buffer
    return _Read(state, np.ctypeslib.as_array(row, shape=(llm.n_vocab(),)).copy())


def _restore(llm, key: tuple[int, ...], saved: _Read) -> bool:
    import llama_cpp

    llm.reset()
    size = ctypes.sizeof(saved.state)
    row = _logits_row(llm) if llama_cpp.llama_state_set_data(llm._ctx.ctx, saved.state, size) == size else None
    if row is None:
        return False
    ctypes.memmove(row, saved.logits.ctypes.data, saved.logits.nbytes)
    llm.input_ids[:len(key)] = key
    llm.n_tokens = len(key)
    llm._requires_eval = False  # the logits in place are a read's: generate may sample at once
    return True
