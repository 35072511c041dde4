"""Live-generation events: who wants to hear that the model produced another token.

Covers a process-wide list of listeners and :func:`token`, which the local backend's
token loop calls once per generated token, so that a notebook can show progress (the
provenance note in ``helpers.provenance``, the sliders and the chat widgets). Listeners
must be cheap and must not raise; one that raises is dropped. Leaves out what is shown
(the listeners decide) and remote backends, whose tokens arrive only as the SDK reads
a stream.

Used in lessons: none (machinery).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["listen", "unlisten", "token"]

_LISTENERS: list[Callable[[], None]] = []
_LOCK = threading.Lock()


def listen(callback: Callable[[], None]) -> None:
    """Call ``callback()`` after every token the local model generates."""
    with _LOCK:
        if callback not in _LISTENERS:
            _LISTENERS.append(callback)


def unlisten(callback: Callable[[], None]) -> None:
    """Stop calling ``callback`` (no error if it was not listening)."""
    with _LOCK:
        if callback in _LISTENERS:
            _LISTENERS.remove(callback)


def token() -> None:
    """One more token was generated: tell every listener."""
    for callback in list(_LISTENERS):
        try:
            callback()
        except Exception:  # a broken display must never break generation
            unlisten(callback)
