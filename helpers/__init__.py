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

The parts, from the bottom up (a lesson may import any name in a module's ``__all__``;
``tests/repo/test_public_surface.py`` holds them to it):

``settings``, ``errors``, ``secrets``
    every setting and file location; the errors a learner sees; finding and masking keys.
``client``
    ``make_client`` and ``make_async_client`` over one builder (``store=``, ``wrap=``).
``recordings``, ``replay``, ``_http``
    the recording store, when to replay (one transport for sync and async), and the
    transport plumbing every wrapper shares (wrapper base, tee streams, SSE).
``faults``, ``cost_meter``, ``translate``
    wrappers on that plumbing: injected HTTP faults, a spending meter, the
    ``max_tokens`` rename for servers that lack ``max_completion_tokens``.
``local/``
    the embedded OpenAI-compatible backend (model, prompt, sampling, generate, validate,
    limits, schema, chat, transport, serve), reached like any server through a transport.
the lesson toolkit
    ``messages``, ``conversation``, ``streaming``, ``tools``, ``structured``, ``tokens``,
    ``costs``, ``truncation``, ``probes``, ``features``, ``sdkdocs``, ``model_catalog``,
    ``textstats``, ``use_cases``: each docstring ends with the lessons that use it.
the notebook views
    ``views``, ``provenance``, ``activity``, ``live_view``, ``sliders``, ``explorer``,
    ``explorer_view``, ``logprob_view``, ``chat_widget``, ``chatbot``, ``chat_store``.
``exercises/``, ``fake_client``
    each lesson's checks (``check``, ``hint``, ``solution``), and the hand-built SDK
    objects they and the tests use.

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
