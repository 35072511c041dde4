"""Draw the next-token explorer: bars for each candidate, sliders for T and top_p.

Covers the matplotlib figure (kept tokens in colour, removed ones grey, the top_p
cut-off marked, the sampled token outlined, or a note when it is not among the bars) and
the ipywidgets sliders that redraw it with no model call (full labels; in a notebook that
is not running, one line of text says to run the cell). The maths lives in
``helpers.explorer``.

Used in lessons: 04, 06.
"""

from __future__ import annotations

import html
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from helpers.explorer import Candidates, distribution, sampled_note
from helpers.views import LABEL_STYLE, Box

__all__ = ["plot", "ExplorerFigure", "explore"]

KEPT, CUT, BEFORE = "#2b6cb0", "#cbd5e0", "#a0aec0"


def _label(token: str) -> str:
    shown = token.replace("\n", "\\n")
    return repr(shown)[1:-1] if shown.strip() == shown else f"'{shown}'"


def _title(cands: Candidates, temperature: float, top_p: float, n_kept: int) -> str:
    """'T=1, top_p=0.9: 10 of 20 candidates can be drawn', and a second line when the
    sampled token is not among the bars."""
    title = (f"T={temperature:g}, top_p={top_p:g}: {n_kept} of {len(cands.tokens)} candidates "
             "can be drawn")
    note = sampled_note(cands)
    return f"{title}\n{note.rpartition(' shown:')[0]} shown" if note else title


def plot(cands: Candidates, temperature: float = 1.0, top_p: float = 1.0, ax: Any = None) -> Any:
    """Bar chart of the candidates' probabilities after T and top_p; returns the Axes."""
    dist = distribution(cands.logprobs, temperature, top_p)
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(8, 3.2))
    ax.clear()
    x = np.arange(len(cands.tokens))
    ax.bar(x, dist.tempered, color=BEFORE, alpha=0.35, width=0.8, label="at this T, before top_p")
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
    ax.set_title(_title(cands, temperature, top_p, n_kept), fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    if cands.chosen is not None and cands.chosen_shown:
        handles.append(Patch(facecolor="none", edgecolor="black", linewidth=1.5))
        labels.append(f"sampled: {_label(cands.chosen)}")
    ax.legend(handles, labels, fontsize=8, loc="upper right")
    if own:  # a caller that passes its own axes lays out its figure once, for all panels
        ax.figure.tight_layout()
    return ax


class ExplorerFigure:
    """A figure drawn once; ``update(T, p)`` only moves bar heights, colours, the cut-off and
    the title, which is what makes slider redraws fast."""

    def __init__(self, cands: Candidates, temperature: float = 1.0, top_p: float = 1.0):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.cands = cands
        self.fig = Figure(figsize=(8, 3.2), dpi=72)  # outside pyplot: shown only through the widget
        FigureCanvasAgg(self.fig)
        self.ax = plot(cands, temperature, top_p, ax=self.fig.add_subplot())
        self.fig.tight_layout()
        self.before, self.after = self.ax.containers[0], self.ax.containers[1]
        self.cut = self.ax.axvline(0, color="#c53030", linestyle="--", linewidth=1)
        self.label = self.ax.text(0, 0.95, "", color="#c53030", va="top", fontsize=8,
                                  transform=self.ax.get_xaxis_transform())
        for line in self.ax.lines[:-1]:
            line.remove()
        for text in self.ax.texts[:-1]:
            text.remove()
        self.update(temperature, top_p)

    def update(self, temperature: float, top_p: float) -> None:
        dist = distribution(self.cands.logprobs, temperature, top_p)
        for bar, value in zip(self.before, dist.tempered, strict=True):
            bar.set_height(value)
        for bar, value, kept in zip(self.after, dist.final, dist.kept, strict=True):
            bar.set_height(value)
            bar.set_color(KEPT if kept else CUT)
        n_kept = int(dist.kept.sum())
        cut = n_kept < len(dist.kept)
        self.cut.set_visible(cut)
        self.label.set_visible(cut)
        self.cut.set_xdata([n_kept - 0.5, n_kept - 0.5])
        self.label.set_x(n_kept - 0.45)
        self.label.set_text(f" top_p={top_p:g} cut-off")
        self.ax.set_title(_title(self.cands, temperature, top_p, n_kept), fontsize=10)

    def png(self) -> bytes:
        """Render and encode (fast zlib level: the image lives for one redraw)."""
        import io

        from PIL import Image

        canvas = self.fig.canvas
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def explore(cands: Candidates, temperature: float = 1.0, top_p: float = 1.0) -> Any:
    """Sliders for T (0-2) and top_p (0-1) that redraw the plot; no model call.

    The figure is shown as an image widget, so redraws replace it in place and nothing
    is printed to the cell's output (which also keeps saved notebooks stable)."""
    import ipywidgets as widgets

    t_slider = widgets.FloatSlider(value=temperature, min=0, max=2, step=0.05, description="temperature",
                                   continuous_update=False, style=LABEL_STYLE)
    p_slider = widgets.FloatSlider(value=top_p, min=0, max=1, step=0.01, description="top_p",
                                   continuous_update=False, style=LABEL_STYLE)
    view = ExplorerFigure(cands, temperature, top_p)
    image = widgets.Image(format="png")
    note = sampled_note(cands)

    def redraw(*_: Any) -> None:
        view.update(t_slider.value, p_slider.value)
        image.value = view.png()

    t_slider.observe(redraw, "value")
    p_slider.observe(redraw, "value")
    redraw()
    parts = [widgets.HBox([t_slider, p_slider]), image]
    if note:
        parts.append(widgets.HTML(f"<small>{html.escape(note)}</small>"))
    return Box(parts, what="Next-token explorer")
