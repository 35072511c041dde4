"""Requests as servers that predate a parameter understand them: ``max_completion_tokens``.

OpenAI renamed ``max_tokens`` to ``max_completion_tokens`` (the SDK documents
``max_tokens`` as deprecated and not compatible with o-series models). Many
OpenAI-compatible servers still know only ``max_tokens`` and drop unknown fields without
an error: llama-cpp-python's own server (0.3.x) does, so a request with
``max_completion_tokens=8`` there generates until the context is full, minutes on a
laptop. Gateways such as LiteLLM translate the parameter per provider for this reason.

Covers :class:`MirrorMaxTokens`, a transport (sync and async) that, on the way to a server
other than OpenAI's, sends a chat request's ``max_completion_tokens`` under the older name
``max_tokens`` (when it sets no ``max_tokens`` of its own). Renamed, not duplicated:
servers that follow OpenAI (this workbook's ``helpers.local.serve`` among them) refuse a request
that sets both, and every compatible server knows ``max_tokens``. And :func:`needed`, which says when
``make_client`` puts it under the SDK (never for api.openai.com, never for the embedded
model). It sits below record/replay, so recordings keep the request as the lesson wrote
it. ``status()`` shows a row when it is on. Leaves out every other parameter: a server
that ignores ``n`` or ``seed`` is reported by the lessons, not papered over.

Used in lessons: none (machinery).
"""

from __future__ import annotations

import json

import httpx2

from helpers._http import WrapperTransport
from helpers.settings import LOCAL_BASE_URL

__all__ = ["MirrorMaxTokens", "needed", "mirrored", "NOTE"]

NOTE = ("max_completion_tokens is sent as max_tokens (servers that predate the new name "
        "ignore it); make_client(..., mirror_max_tokens=False) turns this off")


def needed(base_url: str) -> bool:
    """Whether requests to ``base_url`` get the mirror: any server but OpenAI's own."""
    host = httpx2.URL(base_url).host
    return not (host == "api.openai.com" or host.endswith(".openai.com") or host == httpx2.URL(LOCAL_BASE_URL).host)


def mirrored(request: httpx2.Request) -> httpx2.Request:
    """``request`` with ``max_completion_tokens`` renamed ``max_tokens``, or as it was."""
    if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
        return request
    try:
        body = json.loads(request.content)
    except (ValueError, UnicodeDecodeError):
        return request  # not JSON: the server answers it as it is
    if not isinstance(body, dict) or body.get("max_completion_tokens") is None or "max_tokens" in body:
        return request
    body["max_tokens"] = body.pop("max_completion_tokens")
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "content-length"]
    return httpx2.Request(request.method, request.url, headers=headers, content=json.dumps(body).encode(),
                          extensions=request.extensions)


class MirrorMaxTokens(WrapperTransport):
    """Wraps a sync or an async transport; passes every request on through :func:`mirrored`."""

    example = "MirrorMaxTokens()"

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self.underneath().handle_request(mirrored(request))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self.underneath().handle_async_request(mirrored(request))
