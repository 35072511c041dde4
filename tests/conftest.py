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
