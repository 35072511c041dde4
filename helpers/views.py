"""How the workbook's widgets appear when they are not live: saved state, or one line of text.

JupyterLab draws a widget output only in a *trusted* notebook (its renderer is not
"safe"), from the running kernel or from the widget state saved in the notebook's
metadata; it saves that state only when the ``saveState`` setting of
``@jupyter-widgets/jupyterlab-manager`` is on (off by default). ``make lab`` trusts the
lessons (``jupyter trust``) and :func:`install_lab_settings` turns ``saveState`` on with a
settings override (``<app dir>/settings/overrides.d/``), so a lesson opened fresh shows
its widgets from saved state, and one saved and reopened without its kernel does too.

A displayed widget carries two representations: the widget view (drawn by JupyterLab
from the running kernel, or from the state saved in the notebook) and ``text/plain``,
which ipywidgets fills with ``repr(widget)``. Where JupyterLab cannot draw the widget (a
notebook it does not trust, or a model that neither the kernel nor the saved state
holds) it shows that text; for a plain ``VBox`` it is the repr of the whole tree,
``VBox(children=(HBox(children=(FloatSlider(...``. :class:`Box` is a ``VBox`` whose repr
is one line such as ``Slider: run this cell to use it``.

    from helpers.views import Box
    return Box([controls, output], what="Slider")      # instead of widgets.VBox([...])

    python -m helpers.views --lab-settings    # make setup and postBuild run this

Leaves out what the boxes hold (``helpers.explorer_view``, ``helpers.sliders``,
``helpers.chat_widget``) and the trust step itself (the Makefile's ``lab``, postBuild).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import argparse
import functools
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

__all__ = [
    "LAB_OVERRIDES", "LABEL_STYLE", "run_to_use", "Box", "install_lab_settings", "main", "SUBMIT_DELAY_S", "later",
    "one_at_a_time",
]

OVERRIDES_FILE = "chat-completions-workbook.json"
LAB_OVERRIDES = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}

# A slider's whole label ("temperature", not "temperat…"): style=LABEL_STYLE.
LABEL_STYLE = {"description_width": "initial"}


def run_to_use(what: str) -> str:
    """The one line shown in place of a widget: '<what>: run this cell to use it'."""
    return f"{what}: run this cell to use it"


class Box(widgets.VBox):
    """A ``VBox`` whose text form (``repr``, hence ``text/plain``) is :func:`run_to_use`."""

    def __init__(self, children: Sequence[widgets.Widget] = (), *, what: str = "Widget",
                 **kwargs: Any):
        super().__init__(children=list(children), **kwargs)
        self._text = run_to_use(what)

    def __repr__(self) -> str:
        return self._text


def install_lab_settings(app_dir: Path | None = None) -> Path:
    """Write the workbook's JupyterLab settings override (widget state saved with the
    notebook) into ``<app dir>/settings/overrides.d/``; return the file written.

    A drop-in file of its own: other overrides (``overrides.json``, other files) stay."""
    if app_dir is None:
        from jupyterlab.commands import get_app_dir

        app_dir = Path(get_app_dir())
    path = Path(app_dir) / "settings" / "overrides.d" / OVERRIDES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(LAB_OVERRIDES, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab-settings", action="store_true",
                        help="install the JupyterLab settings override (saveState on)")
    parser.add_argument("--app-dir", type=Path, default=None,
                        help="JupyterLab's application directory")
    args = parser.parse_args(argv)
    if not args.lab_settings:
        parser.print_help()
        return 2
    print(f"JupyterLab settings override: {install_lab_settings(args.app_dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# ipywidgets sends a text box's value changes no faster than the kernel takes them (a busy
# kernel gets them later, batched), but a "submit" (Enter) or a click at once: read in the
# handler, the box can still miss the last keys typed. Waiting this long lets them arrive.
SUBMIT_DELAY_S = 0.4


def later(action: Callable[[], Any], delay: float = SUBMIT_DELAY_S) -> Callable[..., None]:
    """A widget event handler that runs ``action()`` ``delay`` seconds later on a thread when
    in a Jupyter kernel (so the handler returns, the kernel goes idle and the held-back value
    arrives first), and at once elsewhere (scripts, tests)."""

    def handler(*_: Any) -> None:
        try:
            from IPython import get_ipython

            in_kernel = getattr(get_ipython(), "kernel", None) is not None
        except ImportError:  # pragma: no cover - no IPython
            in_kernel = False
        if not in_kernel or delay <= 0:
            action()
            return
        threading.Timer(delay, action).start()

    return handler


def one_at_a_time(method: Callable[..., bool]) -> Callable[..., bool]:
    """A widget handler method that returns False at once while the same object's previous
    call is still running (Enter pressed again while an answer comes). The object holds
    the lock as ``self._busy`` (a ``threading.Lock``)."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> bool:
        if not self._busy.acquire(blocking=False):
            return False
        try:
            return method(self, *args, **kwargs)
        finally:
            self._busy.release()

    return guarded
