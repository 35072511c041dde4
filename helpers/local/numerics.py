"""The local model's numerical settings: llama.cpp threads, batch size and attention kernel.

Covers turning ``WORKBOOK_THREADS``, ``WORKBOOK_N_BATCH`` and ``WORKBOOK_FLASH_ATTN`` (read
from a mapping the caller passes, e.g. ``os.environ``) into keyword arguments for
``llama_cpp.Llama``. The batch size decides how many prompt tokens llama.cpp reads per
step: 512 (its default) reads a short prompt in one step with matrix products, 1 reads it
token by token with other kernels. ``WORKBOOK_FLASH_ATTN=1`` computes attention with
llama.cpp's fused flash-attention kernel instead of the plain one. Both change the
floating-point sums, the way another CPU does. Measured by ``scripts/shake.py`` (40 short
prompts, 24 greedy tokens, one thread): greedy text differs from the default's in 24 with
``WORKBOOK_N_BATCH=1`` (1.42x the time) and in 24 with ``WORKBOOK_FLASH_ATTN=1`` (0.88x
the time), while 1 or 2 threads give bit-identical logits.
Tests use flash attention to run the live suite under a second, numerically different
configuration (see CONTRIBUTING.md). Leaves out loading the model
(``helpers.local.model``) and every setting that changes what the model may say
(context size, sampling).

Used in lessons: none (machinery).
"""

from __future__ import annotations

from collections.abc import Mapping

from helpers.errors import ConfigError

__all__ = ["llama_kwargs"]

DEFAULT_N_BATCH = 512  # llama-cpp-python's own default
MAX_THREADS = 4


def _default_threads(cpu_count: int | None) -> int:
    """Half the cores, at most 4, at least 1. Not all cores: llama.cpp's threads spin while
    they wait for each other, so when anything else runs (a browser beside the notebook, a
    second kernel) all cores can be ten times slower than one thread.
    ``benchmarks/threads.py`` measures 48 tokens for every count on a quiet and a busy
    machine and checks that this default is within 1.5x of the best in both."""
    return max(1, min(MAX_THREADS, (cpu_count or 1) // 2))


def _positive(settings: Mapping[str, str], name: str) -> int | None:
    raw = (settings.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return value


def llama_kwargs(settings: Mapping[str, str], cpu_count: int | None) -> dict[str, int | bool]:
    """``n_threads``, ``n_threads_batch``, ``n_batch``, ``n_ubatch`` and ``flash_attn`` for ``Llama(...)``.

    Threads: ``WORKBOOK_THREADS``, else :func:`_default_threads`. Batch: ``WORKBOOK_N_BATCH``,
    else 512; the physical batch (``n_ubatch``) follows it, as llama.cpp caps it anyway.
    Flash attention: ``WORKBOOK_FLASH_ATTN`` is ``1`` (on) or ``0`` (off, the default).
    """
    threads = _positive(settings, "WORKBOOK_THREADS") or _default_threads(cpu_count)
    batch = _positive(settings, "WORKBOOK_N_BATCH") or DEFAULT_N_BATCH
    flash = (settings.get("WORKBOOK_FLASH_ATTN") or "").strip() or "0"
    if flash not in ("0", "1"):
        raise ConfigError(f"WORKBOOK_FLASH_ATTN must be 1 (on) or 0 (off), not {flash!r}.")
    return {"n_threads": threads, "n_threads_batch": threads, "n_batch": batch, "n_ubatch": batch,
            "flash_attn": flash == "1"}
