"""The limits of the local backend, in one place: OpenAI's own, and a few of its own.

OpenAI's documented limits, enforced the same way: ``n`` 1..128, at most 4 ``stop``
sequences, 128 tools, function and schema names of at most 64 letters, digits, ``_`` or
``-``, ``metadata`` of at most 16 pairs (keys up to 64 characters, values up to 512), a
message content of at most 10 MiB, and prompt plus completion within the model's context
(``N_CTX`` in ``helpers.local.model``), else ``context_length_exceeded``.

The local backend's own, because a 135M model on a laptop CPU makes about 50-100 tokens
a second and, at temperature 0, often repeats itself until something stops it:

* ``DEFAULT_MAX_COMPLETION_TOKENS``: a request that sets neither ``max_completion_tokens``
  nor ``max_tokens`` gets at most this many tokens per choice, with
  ``finish_reason="length"`` when it is reached (OpenAI's own limit is the model's
  maximum output). An explicit limit wins, up to the context.
* ``MAX_REQUEST_TOKENS``: ``n`` times the per-choice limit may not exceed this, so
  ``n=128`` with long answers is refused up front instead of running for an hour.
* ``STOP_MAX_CHARS``: the longest stop sequence (each one is searched for after every
  token).

Leaves out checking (``helpers.local.validate``) and generation (``helpers.local.chat``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_COMPLETION_TOKENS", "MAX_REQUEST_TOKENS", "STOP_MAX_CHARS", "N_MAX", "STOP_MAX_ITEMS", "TOOLS_MAX",
    "NAME_PATTERN", "NAME_MAX_CHARS", "METADATA_MAX_PAIRS", "METADATA_KEY_MAX_CHARS", "METADATA_VALUE_MAX_CHARS",
    "CONTENT_MAX_CHARS", "LOGIT_BIAS_RANGE",
]

DEFAULT_MAX_COMPLETION_TOKENS = 256
MAX_REQUEST_TOKENS = 8192
STOP_MAX_CHARS = 256

N_MAX = 128
STOP_MAX_ITEMS = 4
TOOLS_MAX = 128
NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"
NAME_MAX_CHARS = 64
METADATA_MAX_PAIRS = 16
METADATA_KEY_MAX_CHARS = 64
METADATA_VALUE_MAX_CHARS = 512
CONTENT_MAX_CHARS = 10 * 1024 * 1024
LOGIT_BIAS_RANGE = (-100, 100)
