"""Lesson interactivity: explorer redraw < 50 ms, live slider update < 1 s, first streamed text < 1 s.

What a learner of the sampling lessons waits for after moving a slider (medians):

- explorer redraw: recompute a 20-candidate distribution, update the matplotlib bars,
  render and PNG-encode the image the widget shows (what ``explore()`` does after the T
  or top_p slider moves), 40 times; target median < 50 ms;
- live slider update: one create() of up to 48 tokens through the SDK on the local
  backend (``replay="off"``) at a new temperature, the work behind every move of a live
  slider, 7 times after a loading call; target median < 1 s. The loading call has read
  the prompt, so every move puts it back (``helpers.local.prefill``), as every move but
  a lesson's first does;
- live slider, time to first visible change: through the slider's own code path
  (``helpers.live_view.ask``, a stream when the value has no recording), the progress line
  (immediate, a note) and the first streamed text, 7 times; target median < 1 s.

All in this process, on the thread count it gets by default. Left out: the browser's
own drawing and the widget round trip over the kernel's socket, replayed values (a
recording answers at once), and other machines than this one.
"""

from __future__ import annotations

import statistics
import time

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

NAME = "lessons"
TITLE = "Lesson interactivity: the explorer's redraw and a live slider's update, median of repeats"
LEGEND = "explorer: recompute + draw + PNG   live slider: SDK + local backend, replay='off', up to 48 tokens"

STORY = [{"role": "system", "content": "You are a storyteller. Be brief."},
         {"role": "user", "content": "Begin a story about a robot who learns to paint."}]


def explorer_redraw_ms(repeats: int = 40) -> list[float]:
    """Milliseconds per slider redraw of a 20-candidate explorer: recompute the distribution,
    update the bars, render and PNG-encode the image the widget shows (what explore() does)."""
    import numpy as np

    from helpers.explorer import Candidates
    from helpers.explorer_view import ExplorerFigure

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
    from helpers import make_client
    from helpers.settings import LOCAL_MODEL_ID

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
    from helpers import make_client
    from helpers.live_view import ask
    from helpers.settings import LOCAL_MODEL_ID

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


def run(ctx: harness.Context) -> list[harness.Result]:
    """The three waits, each a median against its target."""
    redraw_times = explorer_redraw_ms()
    redraw = statistics.median(redraw_times)
    update_times, tokens = slider_update_s()
    update = statistics.median(update_times)
    status_at, text_at = first_change_s()
    first, text = statistics.median(status_at), statistics.median(text_at)
    return [
        harness.Result("explorer redraw (recompute + draw)", redraw, "ms", 50, "<",
                       notes=[f"{len(redraw_times)} redraws, range {min(redraw_times):.1f}-{max(redraw_times):.1f} ms"],
                       figures={"explorer_redraw_ms": redraw}, samples={"ms": redraw_times}),
        harness.Result(f"live slider update ({min(tokens)}-{max(tokens)} tokens)", update, "s", 1, "<",
                       notes=[f"{len(update_times)} updates, range {min(update_times):.2f}-{max(update_times):.2f} s"],
                       figures={"slider_update_s": update}, samples={"s": update_times, "tokens": tokens}),
        harness.Result("live slider, first generated text", text, "s", 1, "<",
                       notes=[f"time to first visible change (progress line): median {first * 1000:.1f} ms"],
                       figures={"slider_first_change_s": first, "slider_first_text_s": text},
                       samples={"status_s": status_at, "text_s": text_at}),
    ]
