"""An httpx2 transport that answers OpenAI's HTTP API with the embedded model, in process.

Covers ``POST /chat/completions`` (JSON or a Server-Sent Events stream, generated lazily
while the SDK reads it), ``GET /models`` and ``GET /models/{id}``, and OpenAI-shaped error
responses (400 for bad requests, 404 for unknown models or routes, 500 in OpenAI's shape
for a failure of the backend itself: no Python exception escapes ``handle()``, except
``LocalModelError`` for a stream of this thread left open). The JSON body is parsed as
strictly as OpenAI does (``NaN`` and ``Infinity`` are not JSON). No server, no socket, no
key.

Requests queue for the one model through ``MODEL_LOCK`` leases: the sync transport waits
in the caller's thread; the async one waits on the event loop and generates in a worker
thread, so ``asyncio.gather`` of many calls or streams queues and finishes. Leaves out
record/replay (``helpers.replay``), which wraps this transport.

Used in lessons: none (machinery).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx2

from helpers.errors import LocalModelError
from helpers.local.chat import Request, rand_id
from helpers.local.model import MODEL_LOCK
from helpers.local.numerics import llama_kwargs
from helpers.local.validate import ApiError, validate
from helpers.settings import LOCAL_MODEL_ID

__all__ = ["handle", "LocalTransport", "AsyncLocalTransport"]

MODEL_CREATED = 1730332800  # SmolLM2's release, 2024-10-31
JSON = {"content-type": "application/json"}


def _model_json() -> dict:
    return {"id": LOCAL_MODEL_ID, "object": "model", "created": MODEL_CREATED, "owned_by": "HuggingFaceTB"}


def _json_response(status: int, obj: dict) -> httpx2.Response:
    headers = JSON | {"x-request-id": rand_id("req_", 24)}
    return httpx2.Response(status, headers=headers, content=json.dumps(obj).encode())


def _sse_lines(chunks: Iterator[dict]) -> Iterator[bytes]:
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


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not valid JSON")


def _route(request: httpx2.Request, model_id: str) -> httpx2.Response | Request:
    """Answer everything that needs no generation; a chat request comes back validated."""
    path = request.url.path
    path = path[path.find("/v1") + 3:] if "/v1" in path else path
    if request.method == "GET" and path.rstrip("/") == "/models":
        return _json_response(200, {"object": "list", "data": [_model_json()]})
    if request.method == "GET" and path.startswith("/models/"):
        wanted = path.split("/models/", 1)[1]
        if wanted != model_id:
            raise ApiError(404, f"The model '{wanted}' does not exist", "model", "model_not_found")
        return _json_response(200, _model_json())
    if request.method == "POST" and path.rstrip("/") == "/chat/completions":
        try:
            body = json.loads(request.read() or b"null", parse_constant=_not_json)
        except (ValueError, RecursionError) as err:
            raise ApiError(400, "We could not parse the JSON body of your request. (HINT: This "
                           "likely means you aren't using your HTTP library correctly. The OpenAI "
                           "API expects a JSON payload, but what was sent was not valid JSON.)",
                           None, None) from err
        validate(body, model_id)
        return Request(body, model_id)
    raise ApiError(404, f"Invalid URL ({request.method} {path}): the local backend serves "
                   "POST /chat/completions and GET /models.", None, None)


def _guarded(work, *args) -> httpx2.Response | Request:
    """Run ``work``; an ApiError becomes OpenAI's error response, any other failure a 500."""
    try:
        return work(*args)
    except ApiError as err:
        return _json_response(err.status, err.body())
    except (LocalModelError, KeyboardInterrupt):
        raise
    except Exception as err:  # a bug of the backend must still answer in OpenAI's shape
        return _json_response(500, {"error": {
            "message": f"The local backend failed on this request: {type(err).__name__}: {err}",
            "type": "server_error", "param": None, "code": None}})


def _sse_headers() -> dict[str, str]:
    return {"content-type": "text/event-stream; charset=utf-8",
            "x-request-id": rand_id("req_", 24)}


def _stream_response(lines: Iterator[bytes]) -> httpx2.Response:
    return httpx2.Response(200, headers=_sse_headers(), stream=_ClosingStream(lines))


def _answer(req: Request) -> httpx2.Response:
    if req.body.get("stream"):
        return _stream_response(_sse_lines(req.stream(MODEL_LOCK.lease())))
    return _json_response(200, req.complete(MODEL_LOCK.lease()))


def handle(request: httpx2.Request, model_id: str = LOCAL_MODEL_ID) -> httpx2.Response:
    """Route one request and answer it (sync). The path is taken relative to ``/v1``."""
    routed = _guarded(_route, request, model_id)
    return routed if isinstance(routed, httpx2.Response) else _guarded(_answer, routed)


def _check_numerics() -> None:
    """A bad WORKBOOK_THREADS / _N_BATCH / _FLASH_ATTN is a ConfigError when a transport is
    made (a client, a server), not a 500 at the first request that loads the model."""
    llama_kwargs(os.environ, os.cpu_count())


class LocalTransport(httpx2.BaseTransport):
    """Sync transport: ``httpx2.Client(transport=LocalTransport())``."""

    def __init__(self, model_id: str = LOCAL_MODEL_ID):
        _check_numerics()
        self.model_id = model_id

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return handle(request, self.model_id)


class _AsyncStream(httpx2.AsyncByteStream):
    """A live SSE stream for async callers: waits for the model on the event loop, then
    generates each chunk in a worker thread."""

    def __init__(self, req: Request):
        self._lease = MODEL_LOCK.lease(thread_bound=False)
        self._sync = _ClosingStream(_sse_lines(req.stream(self._lease)))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        await self._lease.acquire_async()
        it = iter(self._sync)
        done = object()
        try:
            while True:
                part = await anyio.to_thread.run_sync(next, it, done)
                if part is done:
                    return
                yield part
        finally:  # the worker thread has returned: the generator is not running
            self._sync.close()
            self._lease.release()

    async def aclose(self) -> None:
        try:
            self._sync.close()
        except ValueError:  # a chunk is being generated: __aiter__'s own cleanup closes it
            pass


class AsyncLocalTransport(httpx2.AsyncBaseTransport):
    """Async twin: validation and generation run in worker threads, and waiting for the
    model happens on the event loop, so the loop stays free and no thread is held idle."""

    def __init__(self, model_id: str = LOCAL_MODEL_ID):
        _check_numerics()
        self.model_id = model_id

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        routed = await anyio.to_thread.run_sync(_guarded, _route, request, self.model_id)
        if isinstance(routed, httpx2.Response):
            return routed
        if routed.body.get("stream"):
            return httpx2.Response(200, headers=_sse_headers(), stream=_AsyncStream(routed))
        lease = MODEL_LOCK.lease(thread_bound=False)
        await lease.acquire_async()
        try:
            return await anyio.to_thread.run_sync(_guarded, _complete, routed, lease)
        finally:
            lease.release()


def _complete(req: Request, lease) -> httpx2.Response:
    return _json_response(200, req.complete(lease))
