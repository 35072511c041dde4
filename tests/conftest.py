"""Shared fixtures: every test gets its own recordings and cache folders and a clean env."""

from __future__ import annotations

from pathlib import Path

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


# The kinds of test, by folder (CONTRIBUTING.md): tests/e2e (whole notebooks in kernels, a
# browser) and the notebooks' own cells under nbval are ``e2e``. A test that makes the
# embedded model generate is ``live``, marked where it is written (``@pytest.mark.live`` or
# a module's ``pytestmark``); ``live_guard`` fails one that generates unmarked. ``make unit``
# runs neither kind.
E2E = Path(__file__).resolve().parent / "e2e"


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


@pytest.fixture(autouse=True)
def live_guard(request, monkeypatch):
    """Fail a test that makes the embedded model read or generate tokens in this process
    (``llama_cpp.Llama.eval``) without being marked ``live`` or ``e2e``, so that ``make
    unit`` stays fast and its selection stays true. Loading the model and tokenizing are
    not generating. Leaves out generation in another process (a server, a kernel): tests
    that start one are marked by hand."""
    node = request.node
    if node.get_closest_marker("live") or node.get_closest_marker("e2e"):
        yield
        return
    from llama_cpp import Llama

    reads: list[int] = []
    original = Llama.eval

    def counted(self, tokens):
        reads.append(len(tokens))
        return original(self, tokens)

    monkeypatch.setattr(Llama, "eval", counted)
    yield
    if reads:
        pytest.fail(f"{node.nodeid} made the embedded model read tokens {len(reads)} times "
                    "(llama_cpp.Llama.eval) but is not marked live: add @pytest.mark.live "
                    "(or pytestmark = pytest.mark.live for a whole module)", pytrace=False)
