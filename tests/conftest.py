"""Shared fixtures: every test gets its own recordings and cache folders and a clean env."""

from __future__ import annotations

import pytest

from helpers import make_client
from helpers.replay import reset_counters
from helpers.settings import LOCAL_MODEL_ID

SYSTEM = {"role": "system", "content": "You are a concise assistant."}


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test touches data/recordings, .cache or a developer's key."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WORKBOOK_BACKEND", "WORKBOOK_REPLAY",
                 "WORKBOOK_MODEL", "WORKBOOK_SCOPE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKBOOK_RECORDINGS", str(tmp_path / "recordings"))
    monkeypatch.setenv("WORKBOOK_CACHE", str(tmp_path / "cache"))
    reset_counters()
    yield
    reset_counters()


@pytest.fixture
def client():
    """A live client on the embedded model, no replay, no retries."""
    return make_client("local", replay="off", max_retries=0)


@pytest.fixture
def model() -> str:
    return LOCAL_MODEL_ID


@pytest.fixture
def ask():
    """Messages for a one-line user question, with a system prompt (lessons always send one)."""

    def build(question: str, system: str | None = None) -> list[dict]:
        return [{"role": "system", "content": system} if system else SYSTEM, {"role": "user", "content": question}]

    return build


# Tests that run whole notebooks in kernels or drive a browser: `make unit` leaves them out.
E2E_FILES = ("test_browser",)
E2E_TESTS = ("test_workbook_copy_runs",)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark end-to-end tests ``e2e`` (``make unit`` runs ``-m "not e2e"``), and, under
    pytest-xdist (``make test`` runs two workers), keep every cell of one notebook in
    order in one kernel: nbval's items are grouped by notebook (``--dist loadgroup``)."""
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
        if nbval or item.path.stem.startswith(E2E_FILES) or item.name.startswith(E2E_TESTS):
            item.add_marker(pytest.mark.e2e)
