"""Errors the workbook raises itself, each saying what went wrong and what to do.

They subclass ``openai.OpenAIError`` so that the SDK passes them through untouched
(no retries, no "Connection error." wrapping) and code that catches SDK errors sees
them too. HTTP-level errors from a backend are left to the SDK's own classes.

Used in lessons: 01.
"""

from __future__ import annotations

import openai

__all__ = [
    "WorkbookError", "ConfigError", "ReplayMissError", "CorruptRecordingError", "LocalModelError", "short_message",
]


class WorkbookError(openai.OpenAIError):
    """Base class: a problem with the workbook's own setup, not with the model."""


class ConfigError(WorkbookError):
    """A setting (backend, replay mode, key, model) is missing or has a bad value."""


class ReplayMissError(WorkbookError):
    """Strict replay was asked for a request that has no recording."""


class CorruptRecordingError(WorkbookError):
    """A recording file exists but cannot be read."""


class LocalModelError(WorkbookError):
    """The embedded local model is not installed or could not be loaded."""


_LOCAL_FIX = "or use the free embedded model: WORKBOOK_BACKEND=local (then restart the kernel)."


def _where(err: openai.OpenAIError) -> str:
    request = getattr(err, "request", None)
    try:
        url = request.url if request is not None else None
    except RuntimeError:  # an error built without a request
        url = None
    return f"{url.scheme}://{url.host}{f':{url.port}' if url.port else ''}" if url else "the server"


def _server_says(err: openai.OpenAIError) -> str:
    body = getattr(err, "body", None)
    text = body.get("message") if isinstance(body, dict) else None
    text = text or getattr(err, "message", "") or str(err)
    text = str(text).splitlines()[0] if text else ""
    return text[:200]


def short_message(err: BaseException) -> str | None:
    """The short, workbook-style message for an error that means a setup problem, or None.

    WorkbookErrors are already short. For a refused key (401/403), a connection that
    failed, and a 404 (unknown model or URL) it names the cause and the fix; when the
    backend was picked only because a key is in the environment, it says that too.
    """
    from helpers.settings import backend_reason

    if isinstance(err, WorkbookError):
        return str(err)
    stray = " The 'openai' backend was chosen because OPENAI_API_KEY is set in your environment." \
        if backend_reason() else ""
    where, says = _where(err), _server_says(err)
    if isinstance(err, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return (f"{where} refused the API key ({err.status_code}: {says}).{stray} Fix: set a valid "
                f"OPENAI_API_KEY outside the notebook and restart the kernel, {_LOCAL_FIX} "
                "(Full traceback: %tb in the next cell.)")
    if isinstance(err, openai.APIConnectionError):
        cause = type(err.__cause__).__name__ if err.__cause__ else "no answer"
        return (f"Could not reach {where} ({cause}; the SDK retried).{stray} Fix: check your network "
                f"and OPENAI_BASE_URL, {_LOCAL_FIX} (Full traceback: %tb in the next cell.)")
    if isinstance(err, openai.NotFoundError):
        return (f"{where} answered 404: {says}. Usually the model id is unknown there (see "
                "client.models.list()) or OPENAI_BASE_URL lacks its /v1; set WORKBOOK_MODEL to an id "
                "it serves. (Full traceback: %tb in the next cell.)")
    return None
