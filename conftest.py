"""Collection rules for every way pytest is started here (``make test``, ``make unit``, or
``pytest -n 2 --nbval notebooks`` alone): which tests are ``e2e``, and which run together
on one xdist worker. Fixtures live in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The kinds of test, by folder (CONTRIBUTING.md): tests/e2e (whole notebooks in kernels, a
# browser) and the notebooks' own cells under nbval are ``e2e``. A test that makes the
# embedded model generate is ``live``, marked where it is written (``@pytest.mark.live`` or
# a module's ``pytestmark``); ``live_guard`` fails one that generates unmarked. ``make unit``
# runs neither kind.
E2E = Path(__file__).resolve().parent / "tests" / "e2e"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark end-to-end tests ``e2e``, and, under pytest-xdist (``make test`` runs two
    workers), keep every cell of one notebook in order in one kernel: nbval's items are
    grouped by notebook (``--dist loadgroup``)."""
    grouping = getattr(config.option, "loadgroup", False)  # set on xdist's workers
    for item in items:
        nbval = type(item).__name__ == "IPyNbCell"
        browser = item.path.stem.startswith("test_browser")
        group = f"nbval-{item.parent.path.name}" if nbval else "browser" if browser else None
        if group and grouping and "@" not in item.nodeid:  # xdist schedules by the "@group" suffix
            # xdist's own xdist_group marker sets ``item._nodeid``, which pytest 9 no longer
            # reads (its nodeid comes from ``item._id``): set the suffix where it is read.
            # The browser tests share one JupyterLab per module: one worker runs them all.
            item._id = f"{item.nodeid}@{group}"
        if nbval or E2E in item.path.parents:
            item.add_marker(pytest.mark.e2e)
