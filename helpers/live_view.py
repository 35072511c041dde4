"""Ask for an answer from a widget: at once when it is recorded, else streamed as generated.

Covers :func:`ask` (used by the sliders and the chat widgets), which sends the request
as written when a committed recording has it (so the widget shows the recorded answer
in every replay mode), and otherwise asks for the same request as a stream, calling
``on_text(text_so_far)`` as the text arrives (a live answer, or a cached stream, which
arrives at once); and :func:`status_html`, the widget's one-line status (``recorded``,
``cached``, ``live in 1.2 s``, or ``generating… 12 tokens, 0.8 s``). Leaves out the
widgets themselves and the choice of what is replayed (``helpers.replay``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openai.types.chat import ChatCompletion

from helpers import activity, provenance
from helpers.recordings import RecordingStore, request_key

__all__ = ["Answer", "ask", "has_recording", "status_html", "Ticker"]


@dataclass
class Answer:
    """What a widget needs from one call."""

    text: str
    message: dict[str, Any]
    usage: Any
    source: str  # recorded, cached or live
    seconds: float


def has_recording(body: dict[str, Any]) -> bool:
    """True when the committed recordings hold this exact request body."""
    key, _ = request_key("POST", "/chat/completions", "", json.dumps(body).encode())
    return bool(RecordingStore().load(key))


def status_html(source: str, seconds: float | None = None) -> str:
    """The status line for an answer that arrived."""
    words = {"recorded": "⟲ recorded answer (replayed)", "cached": "⟲ cached answer (generated live earlier)"}
    text = words.get(source) or f"● live answer in {seconds or 0:.1f} s"
    return f"<span class='workbook-provenance' style='font-size:85%;color:#57606a'>{html.escape(text)}</span>"


class Ticker:
    """While a call runs, show ``generating… N tokens, T s`` through ``on_status`` (from the
    token loop of the local model, and from a timer for backends that send nothing). Once
    the block ends nothing more is shown, so the caller's final status stays."""

    def __init__(self, on_status: Callable[[str], None], every: float = 0.25):
        self.on_status, self.every = on_status, every
        self.tokens, self.started, self._shown = 0, time.perf_counter(), 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._timer: threading.Thread | None = None

    def _show(self) -> None:
        with self._lock:  # never after __exit__: the final status must not be overwritten
            if self._stop.is_set():
                return
            seconds = time.perf_counter() - self.started
            what = f"{self.tokens} tokens, " if self.tokens else ""
            self.on_status("<span class='workbook-progress' style='font-size:85%;color:#9a6700'>"
                           f"⏳ generating… {what}{seconds:.1f} s</span>")

    def _token(self) -> None:
        self.tokens += 1
        now = time.perf_counter()
        if now - self._shown >= self.every:
            self._shown = now
            self._show()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self._show()

    def __enter__(self) -> Ticker:
        self._show()
        activity.listen(self._token)
        self._timer = threading.Thread(target=self._tick, daemon=True)
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        activity.unlisten(self._token)
        with self._lock:
            self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout=2)


def ask(client: Any, model: str, messages: list[dict], *, on_text: Callable[[str], None],
        on_status: Callable[[str], None], **params: Any) -> Answer:
    """Ask once; show progress; return the answer. Errors propagate (nothing is kept)."""
    from helpers.sliders import request_body
    from helpers.streaming import collect

    body = request_body(model, messages, **params)
    started = time.perf_counter()
    provenance.forget_last()
    with Ticker(on_status):
        response = None
        if has_recording(body):
            response = client.chat.completions.create(model=model, messages=messages, **params)
        else:
            stream = client.chat.completions.create(model=model, messages=messages, stream=True,
                                                    stream_options={"include_usage": True}, **params)
            if isinstance(stream, ChatCompletion):  # a stand-in client that does not stream
                response = stream
            else:
                result = collect(stream, on_text=on_text)
                text, message, usage = result.text, result.message(), result.usage
        if response is not None:
            text = response.choices[0].message.content or ""
            message, usage = {"role": "assistant", "content": text}, response.usage
            on_text(text)
    last = provenance.last_call()
    source = last.source if last is not None else "live"
    seconds = last.seconds if last is not None and last.seconds is not None else time.perf_counter() - started
    on_status(status_html(source, seconds))
    return Answer(text, message, usage, source, seconds)
