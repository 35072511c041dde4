"""Where each answer came from, shown next to the output: recorded, cached or live.

Covers a per-cell tally that the replay transport feeds (``served``, ``live_started``,
``live_finished``), the note a notebook shows under a cell that made calls, e.g.
``answers: 2 recorded`` or ``answers: 1 live in 2.3 s``, a progress line while a live
generation runs (tokens so far, seconds so far; updated in place), and ``last_call()``
for widgets, whose callbacks run outside any cell. In IPython the hooks are installed by
``helpers.make_client``; elsewhere (scripts, tests) nothing is displayed and the tally
is still kept. Under ``WORKBOOK_REPLAY=strict`` no progress line is shown, so that the
saved outputs are one deterministic note (nbval ignores in-place display updates).
Leaves out the decision of what to replay (``helpers.replay``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from helpers import activity

__all__ = ["CellTally", "Call", "served", "live_started", "live_finished", "last_call",
           "current_cell", "install", "note_text", "forget_last"]

SOURCES = ("recorded", "cached", "live", "failed")
HINT = ("Re-running an unchanged cell shows these same answers and calls nothing. For a fresh "
        "sample, change a parameter or the prompt, or restart with WORKBOOK_REPLAY=off.")
PROGRESS_EVERY_S = 0.25


@dataclass
class Call:
    """One answer: where it came from and, when live, how long it took."""

    source: str
    seconds: float | None = None


@dataclass
class CellTally:
    """The answers of one cell run, in order."""

    calls: list[Call] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.calls if c.source == s) for s in SOURCES}

    def live_seconds(self) -> float:
        return sum(c.seconds or 0.0 for c in self.calls if c.source == "live")


def note_text(tally: CellTally) -> str:
    """``answers: 2 recorded, 1 live in 2.3 s`` (deterministic unless something was live)."""
    counts = tally.counts()
    parts = [f"{counts[s]} {s}" for s in ("recorded", "cached") if counts[s]]
    if counts["live"]:
        parts.append(f"{counts['live']} live in {tally.live_seconds():.1f} s")
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed (no answer)")
    return "answers: " + ", ".join(parts) if parts else ""


def _note_html(tally: CellTally) -> str:
    counts = tally.counts()
    bits = []
    if counts["recorded"]:
        bits.append(f"⟲ {counts['recorded']} recorded (replayed from data/recordings)")
    if counts["cached"]:
        bits.append(f"⟲ {counts['cached']} cached (generated live earlier, kept in .cache)")
    if counts["live"]:
        bits.append(f"● {counts['live']} live in {tally.live_seconds():.1f} s")
    if counts["failed"]:
        bits.append(f"✗ {counts['failed']} failed (no answer)")
    if not counts["recorded"] and not counts["cached"] and not counts["live"]:
        return (f"<div class='workbook-provenance' style='font-size:85%;color:#57606a;margin-top:2px'>"
                f"answers: {html.escape(' · '.join(bits))}</div>")
    hint = HINT if counts["recorded"] or counts["cached"] else "In auto mode live answers are kept " \
        "in .cache, so re-running this cell shows them again."
    return (f"<div class='workbook-provenance' title='{html.escape(hint, quote=True)}' "
            "style='font-size:85%;color:#57606a;margin-top:2px'>answers: "
            f"{html.escape(' · '.join(bits))} <span style='opacity:.8'>({html.escape(hint)})</span></div>")


class _Note:
    """A display object with a plain-text and an HTML form."""

    def __init__(self, text: str, markup: str):
        self.text, self.markup = text, markup

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/plain": self.text, "text/html": self.markup}

    def __repr__(self) -> str:
        return self.text


class _State:
    """What the current cell has done so far (the kernel runs one cell at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cell: Any = None  # the running cell's id, None outside a cell (a widget callback)
        self.run = 0  # how many cell runs have started: tells one run of a cell from the next
        self.tally = CellTally()
        self.last: Call | None = None
        self.handle: Any = None  # the progress display of this cell, once a live call started
        self.live_since: float | None = None
        self.tokens = 0
        self.shown_at = 0.0
        self.strict = False


_STATE = _State()


def current_cell() -> tuple[Any, int]:
    """(the running cell's id or None, the number of the current cell run)."""
    return _STATE.cell, _STATE.run


def last_call() -> Call | None:
    """The most recent answer's source and duration (for widgets)."""
    return _STATE.last


def forget_last() -> None:
    """Clear ``last_call()`` (a widget does, before it asks)."""
    _STATE.last = None


def served(source: str) -> None:
    """An answer was replayed: ``recorded`` or ``cached``."""
    call = Call(source)
    with _STATE.lock:
        _STATE.tally.calls.append(call)
        _STATE.last = call


def live_started(strict: bool = False) -> None:
    """A live call began: count its tokens and, in a cell, show progress."""
    with _STATE.lock:
        _STATE.live_since, _STATE.tokens, _STATE.shown_at = time.perf_counter(), 0, 0.0
        _STATE.strict = strict
    activity.listen(_on_token)
    _show_progress()


def live_finished(seconds: float, failed: bool = False) -> None:
    """The live call ended after ``seconds``: its answer was read, or (``failed``) there was
    none (no connection, a timeout, an error status)."""
    activity.unlisten(_on_token)
    call = Call("failed" if failed else "live", seconds)
    with _STATE.lock:
        _STATE.tally.calls.append(call)
        _STATE.last = call
        _STATE.live_since = None


def _on_token() -> None:
    _STATE.tokens += 1
    now = time.perf_counter()
    if now - _STATE.shown_at >= PROGRESS_EVERY_S:
        _STATE.shown_at = now
        _show_progress()


def _show_progress() -> None:
    if _STATE.cell is None or _STATE.strict or _STATE.live_since is None:
        return
    seconds = time.perf_counter() - _STATE.live_since
    text = f"⏳ generating live… {_STATE.tokens} tokens, {seconds:.1f} s"
    markup = (f"<div class='workbook-provenance workbook-progress' style='font-size:85%;color:#9a6700'>"
              f"{html.escape(text)}</div>")
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - no IPython
        return
    note = _Note(text, markup)
    if _STATE.handle is None:
        _STATE.handle = display(note, display_id=True)
    else:
        _STATE.handle.update(note)


def _pre_run_cell(info: Any = None) -> None:
    with _STATE.lock:
        _STATE.run += 1
        cell_id = getattr(info, "cell_id", None)
        _STATE.cell = cell_id or ("source", hash(getattr(info, "raw_cell", "") or ""))
        _STATE.tally, _STATE.handle = CellTally(), None


def _post_run_cell(result: Any = None) -> None:
    tally, handle = _STATE.tally, _STATE.handle
    with _STATE.lock:
        _STATE.cell, _STATE.handle = None, None
    text = note_text(tally)
    if not text:
        if handle is not None:
            handle.update(_Note("", ""))
        return
    note = _Note(text, _note_html(tally))
    if handle is not None:
        handle.update(note)
        return
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - no IPython
        return
    display(note)


def install(shell: Any = None) -> bool:
    """Register the cell hooks in IPython (once); False outside IPython."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    if getattr(shell, "_workbook_provenance", False):
        return True
    shell.events.register("pre_run_cell", _pre_run_cell)
    shell.events.register("post_run_cell", _post_run_cell)
    shell._workbook_provenance = True
    return True
