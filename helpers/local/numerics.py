"""The local model's numerical settings: llama.cpp threads and batch size, from settings.

Covers turning ``WORKBOOK_THREADS`` and ``WORKBOOK_N_BATCH`` (read from a mapping the
caller passes, e.g. ``os.environ``) into keyword arguments for ``llama_cpp.Llama``.
The batch size decides how many prompt tokens llama.cpp reads per step: 512 (its
default) reads a short prompt in one step with matrix products, 1 reads it token by
token with other kernels. That changes the floating-point results: measured on 40 short
prompts, greedy text differs in 25 with ``WORKBOOK_N_BATCH=1`` (8: in 1), while 1 or 2
threads give bit-identical logits. Tests use this to run the live suite under a second,
numerically different configuration (see CONTRIBUTING.md). Leaves out loading the model
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


def llama_kwargs(settings: Mapping[str, str], cpu_count: int | None) -> dict[str, int]:
    """``n_threads``, ``n_threads_batch``, ``n_batch`` and ``n_ubatch`` for ``Llama(...)``.

    Threads: ``WORKBOOK_THREADS``, else :func:`_default_threads`. Batch: ``WORKBOOK_N_BATCH``,
    else 512; the physical batch (``n_ubatch``) follows it, as llama.cpp caps it anyway.
    """
    threads = _positive(settings, "WORKBOOK_THREADS") or _default_threads(cpu_count)
    batch = _positive(settings, "WORKBOOK_N_BATCH") or DEFAULT_N_BATCH
    return {"n_threads": threads, "n_threads_batch": threads, "n_batch": batch, "n_ubatch": batch}
