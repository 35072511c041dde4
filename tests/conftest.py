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
