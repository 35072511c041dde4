"""An httpx2 transport that answers OpenAI's HTTP API with the embedded model, in process.

Covers ``POST /chat/completions`` (JSON or a Server-Sent Events stream, generated lazily
while the SDK reads it), ``GET /models`` and ``GET /models/{id}``, and OpenAI-shaped error
responses (400 for bad requests, 404 for unknown models or routes). No server, no socket,
no key. Leaves out record/replay (``helpers.replay``), which wraps this transport.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx2

from helpers.local_chat import Request, _rand_id
from helpers.local_validate import ApiError, validate
from helpers.settings import LOCAL_MODEL_ID

MODEL_CREATED = 1730332800  # SmolLM2's release, 2024-10-31
JSON = {"content-type": "application/json"}


def _model_json() -> dict:
    return {"id": LOCAL_MODEL_ID, "object": "model", "created": MODEL_CREATED, "owned_by": "HuggingFaceTB"}


def _json_response(status: int, obj: dict) -> httpx2.Response:
    headers = JSON | {"x-request-id": _rand_id("req_", 24)}
    return httpx2.Response(status, headers=headers, content=json.dumps(obj).encode())


def sse_lines(chunks: Iterator[dict]) -> Iterator[bytes]:
    """Encode chunks as OpenAI's Server-Sent Events, ending with ``data: [DONE]``."""
    for chunk in chunks:
        yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
    yield b"data: [DONE]\n\n"


class _ClosingStream(httpx2.SyncByteStream):
    def __init__(self, it: Iterator[bytes]):
        self._it = it

    def __iter__(self) -> Iterator[bytes]:
        yield from self._it

    def close(self) -> None:
        close = getattr(self._it, "close", None)
        if close:
            close()


def handle(request: httpx2.Request, model_id: str = LOCAL_MODEL_ID) -> httpx2.Response:
    """Route one request. The path is taken relative to ``/v1``."""
    path = request.url.path
    path = path[path.find("/v1") + 3:] if "/v1" in path else path
    try:
        if request.method == "GET" and path.rstrip("/") == "/models":
            return _json_response(200, {"object": "list", "data": [_model_json()]})
        if request.method == "GET" and path.startswith("/models/"):
            wanted = path.split("/models/", 1)[1]
            if wanted != model_id:
                raise ApiError(404, f"The model '{wanted}' does not exist", "model", "model_not_found")
            return _json_response(200, _model_json())
        if request.method == "POST" and path.rstrip("/") == "/chat/completions":
            return _chat(request, model_id)
        raise ApiError(404, f"Invalid URL ({request.method} {path}): the local backend serves "
                       "POST /chat/completions and GET /models.", None, None)
    except ApiError as err:
        return _json_response(err.status, err.body())


def _chat(request: httpx2.Request, model_id: str) -> httpx2.Response:
    try:
        body = json.loads(request.read() or b"null")
    except ValueError as err:
        raise ApiError(400, "We could not parse the JSON body of your request.", None, None) from err
    validate(body, model_id)
    req = Request(body, model_id)
    if body.get("stream"):
        headers = {"content-type": "text/event-stream; charset=utf-8", "x-request-id": _rand_id("req_", 24)}
        return httpx2.Response(200, headers=headers, stream=_ClosingStream(sse_lines(req.stream())))
    return _json_response(200, req.complete())


class LocalTransport(httpx2.BaseTransport):
    """Sync transport: ``httpx2.Client(transport=LocalTransport())``."""

    def __init__(self, model_id: str = LOCAL_MODEL_ID):
        self.model_id = model_id

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return handle(request, self.model_id)


class _AsyncStream(httpx2.AsyncByteStream):
    def __init__(self, sync: httpx2.SyncByteStream):
        self._sync = sync

    async def __aiter__(self) -> AsyncIterator[bytes]:
        it = iter(self._sync)
        done = object()
        while True:
            part = await anyio.to_thread.run_sync(next, it, done)
            if part is done:
                return
            yield part

    async def aclose(self) -> None:
        self._sync.close()


class AsyncLocalTransport(httpx2.AsyncBaseTransport):
    """Async twin: generation runs in a worker thread so the event loop stays free."""

    def __init__(self, model_id: str = LOCAL_MODEL_ID):
        self.model_id = model_id

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        response = await anyio.to_thread.run_sync(handle, request, self.model_id)
        if isinstance(response.stream, _ClosingStream):  # a live SSE stream: read it off the loop
            return httpx2.Response(response.status_code, headers=response.headers,
                                   stream=_AsyncStream(response.stream))
        return response
