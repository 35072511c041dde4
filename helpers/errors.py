"""Errors the workbook raises itself, each saying what went wrong and what to do.

They subclass ``openai.OpenAIError`` so that the SDK passes them through untouched
(no retries, no "Connection error." wrapping) and code that catches SDK errors sees
them too. HTTP-level errors from a backend are left to the SDK's own classes.
"""

from __future__ import annotations

import openai


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
