"""Live sliders: move one sampling parameter, re-run the same prompt, compare the texts.

Covers ``live_slider`` (temperature, top_p, presence_penalty or frequency_penalty; the
new text is shown beside the previous one, with where it came from: recorded, cached,
or live and how long it took) and ``recorded_values`` (which slider values have a
recording for this exact request). Under ``WORKBOOK_REPLAY=strict`` the slider only
offers recorded values, so it "snaps" to them instead of failing; everywhere else a
value with no recording is generated live and its text streams into the panel as it is
generated (``helpers.live_view``). Leaves out the explorer (no model call) in
``helpers.explorer_view``.

Used in lessons: 04, 06, 13.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from helpers.live_view import ask
from helpers.recordings import RecordingStore, request_key
from helpers.settings import resolve_replay
from helpers.views import Box

__all__ = ["request_body", "recorded_values", "grid", "answers_live", "live_slider"]

RANGES = {"temperature": (0.0, 2.0, 0.1), "top_p": (0.0, 1.0, 0.05),
          "presence_penalty": (-2.0, 2.0, 0.1), "frequency_penalty": (-2.0, 2.0, 0.1)}


def request_body(model: str, messages: list[dict], **params: Any) -> dict:
    """The JSON body the SDK sends for ``create(model=..., messages=..., **params)``."""
    return {"messages": messages, "model": model, **{k: v for k, v in params.items() if v is not None}}


def recorded_values(model: str, messages: list[dict], param: str, candidates: Sequence[float],
                    **fixed: Any) -> list[float]:
    """The candidate values of ``param`` whose request has a committed recording."""
    store = RecordingStore()
    found = []
    for value in candidates:
        body = request_body(model, messages, **fixed, **{param: value})
        key, _ = request_key("POST", "/chat/completions", "", json.dumps(body).encode())
        if store.load(key):
            found.append(value)
    return found


def grid(param: str, step: float | None = None, *, client: Any = None, live: int = 5) -> list[float]:
    """The slider's values for a parameter, rounded so that keys are stable.

    With ``client``, a sweep that would be generated live (replay off, or a server the
    recordings were not made on) gets ``live`` evenly spaced points instead, ends and
    middle included, and says so in one line: a full grid is minutes of generation on a
    small machine and money on a paid one. Recorded runs keep the full grid."""
    lo, hi, default_step = RANGES[param]
    step = step or default_step
    count = round((hi - lo) / step)
    full = [round(lo + i * step, 4) for i in range(count + 1)]
    if client is None or live >= len(full) or not answers_live(client):
        return full
    points = [round(lo + i * (hi - lo) / (live - 1), 4) for i in range(live)]
    print(f"(generated live, so {live} {param} values instead of the recorded run's {len(full)}: "
          f"{', '.join(f'{v:g}' for v in points)})")
    return points


def answers_live(client: Any) -> bool:
    """Whether ``client``'s answers will be generated rather than replayed: replay is off,
    or it is ``auto`` on a server other than the embedded model the recordings come from."""
    from helpers.replay import replay_mode
    from helpers.settings import LOCAL_BASE_URL

    mode = replay_mode(client)
    if mode in (None, "strict", "record"):
        return False
    return mode == "off" or str(client.base_url).rstrip("/") != LOCAL_BASE_URL


def _panel(title: str, text: str, status: str = "") -> str:
    return (f"<div style='flex:1;padding:6px;border:1px solid #ddd;border-radius:4px'>"
            f"<b>{html.escape(title)}</b> {status}<br>"
            f"<span style='white-space:pre-wrap'>{html.escape(text)}</span></div>")


def live_slider(client: Any, model: str, messages: list[dict], param: str = "temperature",
                value: float = 1.0, step: float | None = None, **fixed: Any) -> Any:
    """A slider for ``param``; each move re-runs the prompt and shows old and new text side by side.

    ``step`` overrides the default step (a coarser grid means fewer recordings)."""
    import ipywidgets as widgets

    if param not in RANGES:
        raise ValueError(f"param must be one of {sorted(RANGES)}, not {param!r}")
    values = grid(param, step)
    strict = resolve_replay() == "strict"
    label = {"description_width": "initial"}  # "temperature", not "temperat…"
    if strict:
        values = recorded_values(model, messages, param, values, **fixed) or [value]
        value = min(values, key=lambda v: abs(v - value))
        slider = widgets.SelectionSlider(options=values, value=value, description=param,
                                         continuous_update=False, style=label)
    else:
        lo, hi, default_step = RANGES[param]
        slider = widgets.FloatSlider(value=value, min=lo, max=hi, step=step or default_step, description=param,
                                     continuous_update=False, style=label, layout=widgets.Layout(width="420px"))
    note = widgets.HTML("<i>strict replay: only recorded values are offered</i>" if strict else "")
    view = widgets.HTML()
    state = {"previous": None}

    def run(*_: Any, first: bool = False) -> None:
        current = round(float(slider.value), 4)
        title = f"{param}={current:g}"
        before = state["previous"] or ("(move the slider)", "", "")
        parts = {"text": "", "status": ""}

        def draw() -> None:
            view.value = (f"<div style='display:flex;gap:8px'>{_panel(*before)}"
                          f"{_panel(title, parts['text'], parts['status'])}</div>")

        def on_text(text: str) -> None:
            parts["text"] = text
            draw()

        def on_status(status: str) -> None:
            parts["status"] = status
            draw()

        try:
            answer = ask(client, model, messages, on_text=on_text, on_status=on_status, **fixed,
                         **{param: current})
        except Exception as err:
            if first:  # in the cell: the cell shows the error
                raise
            # in a slider callback an exception would vanish into the log: show it in the panel
            parts["status"] = (f"<span style='color:#cf222e'>{html.escape(type(err).__name__)}: "
                               f"{html.escape(str(err).splitlines()[0] if str(err) else '')}</span>")
            draw()
            return
        state["previous"] = (title, answer.text, parts["status"])

    slider.observe(run, "value")
    run(first=True)
    return Box([widgets.HBox([slider, note]), view], what=f"{param} slider")
