"""Settings: backend and replay resolution, model choice, key masking."""

from __future__ import annotations

import pytest

from helpers import ConfigError, default_model
from helpers.settings import DEFAULT_OPENAI_MODEL, LOCAL_MODEL_ID, mask_key, resolve

FAKE_KEY = "sk" + "-test-000000000000"  # fake, assembled so no key-shaped literal is committed


def test_backend_defaults_to_local_without_key():
    assert resolve().backend == "local"


def test_backend_defaults_to_openai_with_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    settings = resolve()
    assert (settings.backend, settings.model) == ("openai", DEFAULT_OPENAI_MODEL)


def test_argument_beats_environment(monkeypatch):
    monkeypatch.setenv("WORKBOOK_BACKEND", "openai")
    monkeypatch.setenv("WORKBOOK_REPLAY", "off")
    assert resolve("local", "strict").backend == "local"
    assert resolve("local", "strict").replay == "strict"


def test_unknown_backend_says_what_to_do(monkeypatch):
    monkeypatch.setenv("WORKBOOK_BACKEND", "anthropic")
    with pytest.raises(ConfigError, match=r"Unknown backend 'anthropic'.*local, openai"):
        resolve()


def test_unknown_replay_mode_is_refused():
    with pytest.raises(ConfigError, match="Choose one of: auto, strict, record, off"):
        resolve(replay="sometimes")


def test_openai_without_key_explains_the_fix():
    with pytest.raises(ConfigError, match="(?s)OPENAI_API_KEY is not set.*make_client\\('local'\\)"):
        resolve("openai", "auto")


def test_openai_strict_replay_needs_no_key():
    assert resolve("openai", "strict").api_key is None


def test_base_url_from_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://gateway.example/v1")
    assert resolve().base_url == "https://gateway.example/v1"


def test_model_override(monkeypatch):
    assert default_model("local") == LOCAL_MODEL_ID
    monkeypatch.setenv("WORKBOOK_MODEL", "my-model")
    assert default_model("local") == default_model() == "my-model"
    # Configured for a gateway, a notebook can still ask for the embedded model by name.
    monkeypatch.setenv("WORKBOOK_BACKEND", "openai")
    assert default_model() == default_model("openai") == "my-model"
    assert default_model("local") == LOCAL_MODEL_ID


def test_default_openai_model_is_not_deprecated_in_the_sdk():
    from openai.types.shared import chat_model

    source = open(chat_model.__file__, encoding="utf-8").read()
    deprecated_block = source.split('"""Deprecated values:', 1)[1]
    assert f'"{DEFAULT_OPENAI_MODEL}"' in source.split('"""Deprecated values:', 1)[0]
    assert f'"{DEFAULT_OPENAI_MODEL}"' not in deprecated_block


@pytest.mark.parametrize(("key", "shown"), [
    (None, "(not set)"), ("", "(not set)"), ("short", "***"),
    ("sk" + "-proj-abcdefghijklmnop1234", "sk-...1234"),
])
def test_mask_key(key, shown):
    assert mask_key(key) == shown
    if key and len(key) > 12:
        assert key[4:-4] not in mask_key(key)


def test_every_file_location_comes_from_settings(monkeypatch, tmp_path):
    from helpers import settings
    from helpers.chat_store import default_path
    from helpers.costs import PRICES_PATH
    from helpers.recordings import RecordingStore

    monkeypatch.delenv("WORKBOOK_RECORDINGS")
    monkeypatch.delenv("WORKBOOK_CACHE")
    root = settings.REPO_ROOT
    assert (root / "pyproject.toml").is_file() and settings.NOTEBOOKS.is_dir()
    assert settings.recordings_dir() == root / "data" / "recordings"
    assert settings.replay_cache_dir() == root / ".cache" / "replay"
    assert default_path("x") == root / ".cache" / "chats" / "x.sqlite"
    assert PRICES_PATH == settings.PRICES_PATH and PRICES_PATH.is_file() and settings.ENDPOINTS_PATH.is_file()
    monkeypatch.setenv("WORKBOOK_RECORDINGS", str(tmp_path / "rec"))
    monkeypatch.setenv("WORKBOOK_CACHE", str(tmp_path / "c" / "replay"))
    store = RecordingStore()
    assert (store.root, store.cache) == (tmp_path / "rec", tmp_path / "c" / "replay")
    assert default_path("x") == tmp_path / "c" / "chats" / "x.sqlite"
