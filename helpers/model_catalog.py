"""What the installed SDK says about model ids, and how fast a model answered here.

Covers ``model_field_doc`` (e.g. what ``Model.shutdown_date`` means), ``chat_model_ids``
(the ids the SDK's ``ChatModel`` type lists), ``shutdowns`` (the "Deprecated values" note
the SDK keeps under that type: id -> announced shutdown date, read from the installed
package's source, so it is as fresh as the SDK), ``is_reasoning_model`` (the SDK's own
wording: reasoning options are for "gpt-5 and o-series models only"; the ``*-chat-latest``
ids are the non-reasoning chat models), ``sampling_extra`` (what a call with
``temperature``, ``top_p`` or ``logprobs`` must add for OpenAI's gpt-5.1-and-later models:
``reasoning_effort="none"``; nothing for any other model, the local one included) and
``measure_speed`` (tokens per second from a real call; a replayed answer reports its
recorded usage and no timing). Leaves out prices (``helpers.costs``) and anything the SDK
does not state, such as context sizes.

Used in lessons: 02, 03, 04, 05, 06, 07, 08, 10, 12, 13, 14, 16, 17, 18, 19.
"""

from __future__ import annotations

import ast
import inspect
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args

from openai.types.shared import chat_model

from helpers.sdkdocs import field_docs

__all__ = [
    "chat_model_ids", "model_field_doc", "deprecation_note", "shutdowns", "shutdown_of", "is_reasoning_model",
    "sampling_extra", "Speed", "measure_speed",
]

_ITEM = re.compile(r"^- (.+?):\s*(.+?)(?=^- |\Z)", re.S | re.M)
_DATE = re.compile(r"shutdown\s+date:\s*(\d{4}-\d{2}-\d{2})", re.I)


def chat_model_ids() -> list[str]:
    """Every model id the installed SDK's ``ChatModel`` type lists."""
    return list(get_args(chat_model.ChatModel))


def model_field_doc(field: str) -> str:
    """The SDK's docstring for one field of ``openai.types.Model`` (what models.list returns)."""
    docs = field_docs("openai.types.model", "Model")
    if field not in docs:
        raise KeyError(f"openai.types.Model has no documented field {field!r}; known: {', '.join(docs)}")
    return docs[field]


@lru_cache(maxsize=1)
def deprecation_note() -> str:
    """The SDK's "Deprecated values" docstring under ``ChatModel``, verbatim."""
    tree = ast.parse(inspect.getsource(chat_model))
    body = tree.body
    for node, after in zip(body, body[1:], strict=False):
        if (isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "ChatModel"
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)):
            return inspect.cleandoc(str(after.value.value))
    return ""


@lru_cache(maxsize=1)
def shutdowns() -> dict[str, str]:
    """Model id -> its announced shutdown date (``YYYY-MM-DD``), or the SDK's note when it
    gives no date (e.g. "Not a supported model ID...")."""
    found: dict[str, str] = {}
    for names, text in _ITEM.findall(deprecation_note()):
        date = _DATE.search(text)
        note = date.group(1) if date else " ".join(text.split())
        for name in re.findall(r'"([^"]+)"', names):
            found[name] = note
    return found


def shutdown_of(model: str) -> str | None:
    """The announced shutdown date (or note) for ``model``; None when the SDK lists none."""
    return shutdowns().get(model)


def is_reasoning_model(model: str) -> bool | None:
    """True for gpt-5* and o-series ids, False for gpt-3.5/gpt-4* ids and the ``*-chat-latest``
    chat models, None when the SDK does not say (any other id, including the local model).

    ``gpt-5-chat-latest`` and its successors are OpenAI's non-reasoning chat models: the
    API refuses ``reasoning_effort`` on them (reported for gpt-5-chat-latest in
    Laisky/one-api#120, 2025-08, and for gpt-5.1-chat-latest in chatgpt-web-dev/chatgpt-web#662).
    """
    if model.endswith("-chat-latest"):
        return False
    if model.startswith("gpt-5") or re.match(r"o\d", model):
        return True
    if model.startswith(("gpt-4", "gpt-3.5", "chatgpt-4o")):
        return False
    return None


# gpt-5.1, gpt-5.2, gpt-5.4, gpt-5.4-mini, gpt-5.4-nano and their dated snapshots.
_NONE_EFFORT = re.compile(r"gpt-5\.\d+(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?")


def sampling_extra(model: str) -> dict[str, str]:
    """Extra keyword arguments for a call that sets ``temperature``, ``top_p`` or ``logprobs``.

    OpenAI documents those three for gpt-5.1 and later only with ``reasoning_effort="none"``
    (its latest-model guide, "parameter compatibility", as quoted in vercel/ai#10940 for
    gpt-5.1 and tmc/langchaingo#1497 for gpt-5.4); the gpt-5.4 mini and nano models accept
    "none" (the API's own list of values, quoted in livekit/agents#6153). So for those ids
    this returns ``{"reasoning_effort": "none"}``; for every other id ``{}``: the local
    model and OpenAI's non-reasoning models need nothing (the local backend refuses
    ``reasoning_effort``), and gpt-5/-mini/-nano and the o-series refuse sampling
    parameters at any effort, so no setting helps there. Use as ``create(..., **extra)``.
    """
    note = shutdown_of(model)
    if note is not None and not note[:1].isdigit():  # "Not a supported model ID..."
        return {}
    return {"reasoning_effort": "none"} if _NONE_EFFORT.fullmatch(model) else {}


@dataclass(frozen=True)
class Speed:
    """One call's speed: measured when it ran live, ``None`` when it was replayed."""

    completion_tokens: int
    seconds: float | None
    source: str  # "live", "recording" or "cache"

    @property
    def tokens_per_second(self) -> float | None:
        return None if self.seconds is None else self.completion_tokens / self.seconds

    def __str__(self) -> str:
        if self.seconds is None:
            return (f"replayed from a {self.source}: {self.completion_tokens} completion tokens were recorded; "
                    "no timing (a replay takes milliseconds and says nothing about the model)")
        return f"{self.completion_tokens} tokens in {self.seconds:.2f} s: {self.tokens_per_second:.0f} tokens/s (live)"


def measure_speed(client: Any, model: str, messages: list[dict], **params: Any) -> tuple[Any, Speed]:
    """Make one call; return (response, Speed). Timing counts only a live call."""
    start = time.perf_counter()
    raw = client.chat.completions.with_raw_response.create(model=model, messages=messages, **params)
    response = raw.parse()
    took = time.perf_counter() - start
    source = raw.http_response.extensions.get("workbook_source") or "live"
    tokens = response.usage.completion_tokens if response.usage else 0
    return response, Speed(tokens, took if source == "live" else None, source)
