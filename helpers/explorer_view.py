"""Draw the next-token explorer: bars for each candidate, sliders for T and top_p.

Covers the matplotlib figure (kept tokens in colour, removed ones grey, the top_p
cut-off marked, the sampled token outlined) and the ipywidgets sliders that redraw it
with no model call. The maths lives in ``helpers.explorer``.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers.explorer import Candidates, distribution

KEPT, CUT, BEFORE = "#2b6cb0", "#cbd5e0", "#a0aec0"


def _label(token: str) -> str:
    shown = token.replace("\n", "\\n")
    return repr(shown)[1:-1] if shown.strip() == shown else f"'{shown}'"


def plot(cands: Candidates, temperature: float = 1.0, top_p: float = 1.0, ax: Any = None) -> Any:
    """Bar chart of the candidates' probabilities after T and top_p; returns the Axes."""
    dist = distribution(cands.logprobs, temperature, top_p)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    ax.clear()
    x = np.arange(len(cands.tokens))
    ax.bar(x, dist.tempered, color=BEFORE, alpha=0.35, width=0.8, label=f"at T={temperature:g}, before top_p")
    bars = ax.bar(x, dist.final, color=[KEPT if k else CUT for k in dist.kept], width=0.55,
                  label="sampled from (renormalised)")
    for i, token in enumerate(cands.tokens):
        if token == cands.chosen:
            bars[i].set_edgecolor("black")
            bars[i].set_linewidth(1.5)
    n_kept = int(dist.kept.sum())
    if n_kept < len(x):
        ax.axvline(n_kept - 0.5, color="#c53030", linestyle="--", linewidth=1)
        ax.text(n_kept - 0.45, 0.95, f" top_p={top_p:g} cut-off", color="#c53030", va="top",
                transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_xticks(x, [_label(t) for t in cands.tokens], rotation=60, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(f"T={temperature:g}, top_p={top_p:g}: {n_kept} of {len(x)} candidates can be drawn", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax.figure.tight_layout()
    return ax


def render_png(cands: Candidates, temperature: float, top_p: float, fig: Any = None) -> bytes:
    """The plot as PNG bytes (what the slider widget shows)."""
    import io

    if fig is None:
        fig = plt.figure(figsize=(8, 3.2))
    fig.clf()
    plot(cands, temperature, top_p, ax=fig.add_subplot())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


def explore(cands: Candidates, temperature: float = 1.0, top_p: float = 1.0) -> Any:
    """Sliders for T (0-2) and top_p (0-1) that redraw the plot; no model call.

    The figure is shown as an image widget, so redraws replace it in place and nothing
    is printed to the cell's output (which also keeps saved notebooks stable)."""
    import ipywidgets as widgets

    t_slider = widgets.FloatSlider(value=temperature, min=0, max=2, step=0.05, description="temperature",
                                   continuous_update=False)
    p_slider = widgets.FloatSlider(value=top_p, min=0, max=1, step=0.01, description="top_p",
                                   continuous_update=False)
    fig = plt.figure(figsize=(8, 3.2))
    plt.close(fig)  # drawn into the image widget only, never shown by the inline backend
    image = widgets.Image(format="png")

    def redraw(*_: Any) -> None:
        image.value = render_png(cands, t_slider.value, p_slider.value, fig)

    t_slider.observe(redraw, "value")
    p_slider.observe(redraw, "value")
    redraw()
    return widgets.VBox([widgets.HBox([t_slider, p_slider]), image])
