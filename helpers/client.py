"""Build the OpenAI client a notebook uses, with the chosen backend under record/replay.

Covers ``make_client`` / ``make_async_client`` (ordinary ``openai.OpenAI`` /
``openai.AsyncOpenAI`` objects: only the transport under the SDK's HTTP client is
ours; where recordings live is a ``store=`` argument, not the environment),
``notebook_scope``, ``default_model`` and ``status``. Leaves out the backends and the
store's format.

Used in lessons: all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx2
import openai

from helpers import provenance
from helpers.errors import ConfigError, WorkbookError, short_message
from helpers.recordings import RecordingStore
from helpers.replay import ReplayTransport
from helpers.secrets import credentials, mask_url
from helpers.settings import REPO_ROOT, Settings, backend_reason, default_model, mask_key, resolve
from helpers.translate import NOTE, MirrorMaxTokens, needed

__all__ = [
    "make_client", "make_async_client", "default_model", "status", "notebook_scope", "LOCAL_PLACEHOLDER_KEY", "Status",
]
# Wraps a transport in another (sync for make_client, async for make_async_client).
Wrapper = Callable[[Any], Any]
LOCAL_PLACEHOLDER_KEY = "local-model-needs-no-key"
REPLAY_PLACEHOLDER_KEY = "replay-only-no-key"


def notebook_scope(scope: str | None = None) -> str:
    """Which notebook is calling: the argument, WORKBOOK_SCOPE, or JupyterLab's session name."""
    chosen = scope or os.environ.get("WORKBOOK_SCOPE") or Path(os.environ.get("JPY_SESSION_NAME", "")).stem
    # A workbook copy (workbook/NN_topic_workbook.ipynb) files its calls with its lesson's.
    return chosen.removesuffix("_workbook") or "misc"


def make_client(backend: str | None = None, *, replay: str | None = None, scope: str | None = None,
                store: RecordingStore | None = None, wrap: Wrapper | Sequence[Wrapper] | None = None,
                mirror_max_tokens: bool | None = None, **openai_kwargs: Any) -> openai.OpenAI:
    """An ``openai.OpenAI`` for the chosen backend ("local" or "openai") and replay mode.

    Extra keyword arguments go to ``openai.OpenAI`` (``max_retries``, ``timeout``,
    ``api_key``, ``base_url``...). ``scope`` names where new recordings are filed.
    ``store`` is where recordings are read and written and live answers cached (a
    ``RecordingStore``; by default ``WORKBOOK_RECORDINGS`` and ``WORKBOOK_CACHE``, else
    ``data/recordings`` and ``.cache/replay``, filed under ``scope``; a store given here
    keeps its own scope). ``wrap`` is a function (or a list, innermost first) that wraps
    the transport in another one, e.g. ``helpers.faults`` or ``helpers.cost_meter``.
    ``mirror_max_tokens`` (default: on for servers other than OpenAI's) sends
    ``max_completion_tokens`` as ``max_tokens``, for servers that predate the new name
    (``helpers.translate``).
    """
    return _build(False, backend, replay, scope, store, wrap, mirror_max_tokens, openai_kwargs)


def make_async_client(backend: str | None = None, *, replay: str | None = None, scope: str | None = None,
                      store: RecordingStore | None = None, wrap: Wrapper | Sequence[Wrapper] | None = None,
                      mirror_max_tokens: bool | None = None, **openai_kwargs: Any) -> openai.AsyncOpenAI:
    """The ``openai.AsyncOpenAI`` twin of :func:`make_client` (a wrapper must handle async requests)."""
    return _build(True, backend, replay, scope, store, wrap, mirror_max_tokens, openai_kwargs)


def _build(asynchronous: bool, backend: str | None, replay: str | None, scope: str | None,
           store: RecordingStore | None, wrap: Wrapper | Sequence[Wrapper] | None, mirror_max_tokens: bool | None,
           kwargs: dict[str, Any]):
    settings = resolve(backend, replay, api_key=kwargs.pop("api_key", None), base_url=kwargs.pop("base_url", None))
    store = store if store is not None else RecordingStore(scope=notebook_scope(scope))
    base_path = httpx2.URL(settings.base_url).path
    key = settings.api_key or (LOCAL_PLACEHOLDER_KEY if settings.backend == "local" else REPLAY_PLACEHOLDER_KEY)
    secrets = credentials(settings.api_key, settings.base_url, kwargs.get("default_headers"),
                          kwargs.get("default_query"))
    _install_short_tracebacks()
    provenance.install()
    if settings.backend == "local":
        from helpers.local.transport import AsyncLocalTransport, LocalTransport

        inner = (AsyncLocalTransport if asynchronous else LocalTransport)(settings.model)
    else:
        inner = _remote(httpx2.AsyncHTTPTransport() if asynchronous else httpx2.HTTPTransport(), settings,
                        mirror_max_tokens)
    transport = ReplayTransport(inner, settings.replay, store, base_path, secrets)
    for wrapper in ([wrap] if callable(wrap) else list(wrap or [])):
        transport = wrapper(transport)
    if asynchronous:
        return openai.AsyncOpenAI(api_key=key, base_url=settings.base_url,
                                  http_client=openai.DefaultAsyncHttpxClient(transport=transport), **kwargs)
    return openai.OpenAI(api_key=key, base_url=settings.base_url,
                         http_client=openai.DefaultHttpxClient(transport=transport), **kwargs)


def _remote(transport: Any, settings: Settings, mirror: bool | None) -> Any:
    """The HTTP transport to a remote server, under ``helpers.translate`` when it is needed."""
    return MirrorMaxTokens(transport) if (needed(settings.base_url) if mirror is None else mirror) else transport


def _describe(settings: Settings) -> dict[str, str]:
    root = RecordingStore().root
    try:
        shown = str(root.relative_to(REPO_ROOT))
    except ValueError:
        shown = str(root)
    return {
        "backend": settings.backend,
        "model": settings.model,
        "replay": settings.replay,
        "base_url": mask_url(settings.base_url),
        "api_key": mask_key(settings.api_key) if settings.backend == "openai" else "(none needed)",
        "recordings": shown,
    } | (_local_cap() if settings.backend == "local" else {}) \
      | ({"max_tokens": NOTE} if settings.backend == "openai" and needed(settings.base_url) else {}) \
      | ({"note": reason} if (reason := backend_reason()) else {})


def _local_cap() -> dict[str, str]:
    from helpers.local.limits import DEFAULT_MAX_COMPLETION_TOKENS

    return {"no max_tokens": f"at most {DEFAULT_MAX_COMPLETION_TOKENS} completion tokens "
                             "(the local model only; OpenAI sets no such default)"}


class Status(dict):
    """The settings in use; shows as an aligned two-column table."""

    def __repr__(self) -> str:
        width = max(map(len, self))
        return "\n".join(f"{name:<{width}}  {value}" for name, value in self.items())


def status(backend: str | None = None, replay: str | None = None) -> Status:
    """The backend, model, replay mode, base URL and masked key in use (shown as a table)."""
    try:
        return Status(_describe(resolve(backend, replay)))
    except ConfigError as err:
        return Status({"problem": str(err).splitlines()[0], "fix": "see helpers.make_client's message"})


def _install_short_tracebacks() -> None:
    """In IPython, show WorkbookErrors, and the SDK errors that mean a setup problem (a
    refused key, no connection, an unknown model or URL), as a short message that names
    the cause and the fix, not 40 (or 290) frames of SDK internals. The whole traceback
    stays available: ``%tb`` in the next cell prints it."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_workbook_handler", False):
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        short = short_message(value)
        if short is None:  # an SDK error that is not a setup problem: the usual traceback
            return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
        message = f"{etype.__name__}: {short}"
        try:  # an error output (so "Run all" stops) whose traceback is just the message
            shell._showtraceback(etype, value, [message])
        except Exception:  # pragma: no cover - IPython internals moved
            print(message)
        return None

    shell.set_custom_exc((WorkbookError, openai.AuthenticationError, openai.PermissionDeniedError,
                          openai.NotFoundError, openai.APIConnectionError), handler)
    shell._workbook_handler = True
