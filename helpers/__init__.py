"""Helpers for the chat.completions workbook: clients, backends, record/replay, exercises.

Importing this package has no side effects; every notebook starts with::

    from helpers import make_client, default_model, status
    client = make_client()      # an ordinary openai.OpenAI
    MODEL = default_model()     # the model id that fits the chosen backend

Re-exported here (everything else is imported from its own module, e.g.
``from helpers.tools import Toolbox``):

- ``make_client``, ``make_async_client``, ``status`` from ``helpers.client``
- ``default_model`` from ``helpers.settings``
- ``check``, ``hint``, ``solution``, ``progress`` from ``helpers.exercises``
- ``WorkbookError``, ``ConfigError``, ``ReplayMissError``, ``CorruptRecordingError``,
  ``LocalModelError`` from ``helpers.errors``

Used in lessons: all.
"""

from helpers.client import make_async_client, make_client, status
from helpers.errors import (
    ConfigError,
    CorruptRecordingError,
    LocalModelError,
    ReplayMissError,
    WorkbookError,
)
from helpers.exercises import check, hint, progress, solution
from helpers.settings import default_model

__all__ = [
    "make_client", "make_async_client", "default_model", "status", "check", "hint",
    "solution", "progress",
    "WorkbookError", "ConfigError", "ReplayMissError", "CorruptRecordingError", "LocalModelError",
]
