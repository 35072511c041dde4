"""Interactive speed of the sampling lessons (issue targets, measured here on 2 cores).

- an explorer redraw (recompute the distribution + redraw the matplotlib bars), target
  median < 50 ms: what a learner waits for after moving the T or top_p slider;
- a live slider update (one 48-token generation through the SDK on the local backend,
  the work behind every move of a live slider), target median < 1 s;
- a live slider's time to first visible change: the progress line (immediate) and the
  first streamed text, through the slider's own code path; target median < 1 s.

    python benchmarks/lessons.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from helpers import make_client
from helpers.explorer import Candidates
from helpers.explorer_view import ExplorerFigure
from helpers.settings import LOCAL_MODEL_ID

STORY = [{"role": "system", "content": "You are a storyteller. Be brief."},
         {"role": "user", "content": "Begin a story about a robot who learns to paint."}]


def explorer_redraw_ms(repeats: int = 40) -> list[float]:
    """Milliseconds per slider redraw of a 20-candidate explorer: recompute the distribution,
    update the bars, render and PNG-encode the image the widget shows (what explore() does)."""
    rng = np.random.default_rng(0)
    logits = np.sort(rng.normal(0, 2, 20))[::-1]
    cands = Candidates([f"tok{i}" for i in range(20)], logits - np.log(np.exp(logits).sum()), "tok3")
    view = ExplorerFigure(cands)
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        view.update(temperature=0.2 + (i % 10) * 0.2, top_p=0.5 + (i % 5) * 0.1)
        view.png()
        times.append((time.perf_counter() - start) * 1000)
    return times


def slider_update_s(repeats: int = 7) -> tuple[list[float], list[int]]:
    """Seconds per live-slider update: one create() of up to 48 tokens at a new temperature."""
    client = make_client("local", replay="off")
    client.chat.completions.create(model=LOCAL_MODEL_ID, messages=STORY, max_completion_tokens=4)  # load
    times, tokens = [], []
    for i in range(repeats):
        start = time.perf_counter()
        r = client.chat.completions.create(model=LOCAL_MODEL_ID, messages=STORY, temperature=0.5 + 0.1 * i,
                                           max_completion_tokens=48, seed=42,
                                           logit_bias={"0": -100, "1": -100, "2": -100})
        times.append(time.perf_counter() - start)
        tokens.append(r.usage.completion_tokens)
    return times, tokens


def first_change_s(repeats: int = 7) -> tuple[list[float], list[float]]:
    """What a learner waits for after moving a live slider, through the slider's own path
    (``helpers.live_view.ask``: a stream when the value has no recording): seconds until
    the panel first changes (the progress line), and until the first generated text."""
    from helpers.live_view import ask

    client = make_client("local", replay="off")
    client.chat.completions.create(model=LOCAL_MODEL_ID, messages=STORY, max_completion_tokens=4)  # load
    status_at, text_at = [], []
    for i in range(repeats):
        start = time.perf_counter()
        seen: dict[str, float] = {}

        def on_status(_html: str, seen=seen, start=start) -> None:
            seen.setdefault("status", time.perf_counter() - start)

        def on_text(text: str, seen=seen, start=start) -> None:
            if text:
                seen.setdefault("text", time.perf_counter() - start)

        ask(client, LOCAL_MODEL_ID, STORY, on_text=on_text, on_status=on_status, temperature=0.55 + 0.1 * i,
            max_completion_tokens=48, seed=42)
        status_at.append(seen["status"])
        text_at.append(seen.get("text", float("nan")))
    return status_at, text_at


def main() -> dict[str, float]:
    redraw = statistics.median(explorer_redraw_ms())
    update_times, tokens = slider_update_s()
    update = statistics.median(update_times)
    print(f"explorer redraw (recompute + draw): median {redraw:.1f} ms; target < 50 ms: "
          f"{'PASS' if redraw < 50 else 'MISS'}")
    print(f"live slider update ({min(tokens)}-{max(tokens)} tokens): median {update:.2f} s; target < 1 s: "
          f"{'PASS' if update < 1 else 'MISS'}")
    status_at, text_at = first_change_s()
    first, text = statistics.median(status_at), statistics.median(text_at)
    print(f"live slider, time to first visible change (progress line): median {first * 1000:.1f} ms; "
          f"first generated text: median {text:.2f} s; target < 1 s: {'PASS' if text < 1 else 'MISS'}")
    return {"explorer_redraw_ms": redraw, "slider_update_s": update, "slider_first_change_s": first,
            "slider_first_text_s": text}


if __name__ == "__main__":
    main()
