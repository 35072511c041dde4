"""Record/replay in front of any backend, as an httpx2 transport under the real SDK.

Modes (``WORKBOOK_REPLAY``): ``auto`` serves a committed recording when the exact request
has one, else calls the backend and keeps the answer in a git-ignored cache; ``strict``
serves recordings only (a miss raises ``ReplayMissError`` naming the request and the
command that records it); ``record`` calls the backend and writes ``data/recordings``;
``off`` always calls the backend. The Nth identical call in a process gets the Nth
response (strict mode starts again from the first when they run out). Streams are kept
as their Server-Sent Events; error responses are kept too. Leaves out the store format.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator

import httpx2

from helpers.errors import ReplayMissError
from helpers.recordings import KEPT_HEADERS, RecordingStore, request_key

_COUNTS: dict[str, int] = defaultdict(int)
_RECORDED: set[str] = set()
_LOCK = threading.Lock()


def reset_counters() -> None:
    """Forget how many times each request was seen (a fresh 'run')."""
    with _LOCK:
        _COUNTS.clear()
        _RECORDED.clear()


def _is_stream(response: httpx2.Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/event-stream")


def _plain_headers(response: httpx2.Response) -> dict[str, str]:
    """Headers for a re-served body that is already decoded (no gzip, no length)."""
    drop = {"content-encoding", "content-length", "transfer-encoding"}
    return {k: v for k, v in response.headers.items() if k.lower() not in drop}


def to_stored(response: httpx2.Response, raw: bytes) -> dict:
    """A response as kept on disk: status, kept headers, JSON body or SSE events."""
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    out: dict = {"status": response.status_code, "headers": headers}
    if _is_stream(response):
        events = []
        for block in raw.decode("utf-8").split("\n\n"):
            data = "\n".join(line[5:].lstrip() for line in block.splitlines() if line.startswith("data:"))
            if data:
                try:
                    events.append(json.loads(data))
                except ValueError:
                    events.append(data)
        out["events"] = events
    else:
        try:
            out["body"] = json.loads(raw) if raw else None
        except ValueError:
            out["text"] = raw.decode("utf-8", errors="replace")
    return out


def from_stored(stored: dict) -> httpx2.Response:
    """Rebuild an httpx2 response from its stored form (same bytes every time)."""
    headers = dict(stored.get("headers") or {})
    if "events" in stored:
        lines = [e if isinstance(e, str) else json.dumps(e) for e in stored["events"]]
        content = "".join(f"data: {line}\n\n" for line in lines).encode()
    elif "body" in stored:
        content = json.dumps(stored["body"]).encode()
    else:
        content = stored.get("text", "").encode()
    return httpx2.Response(stored["status"], headers=headers, content=content)


def _served(stored: dict, source: str) -> httpx2.Response:
    """A replayed response, marked (in ``response.extensions``, not headers) with where it came from."""
    response = from_stored(stored)
    response.extensions["workbook_source"] = source
    return response


class _Replay:
    """The decisions shared by the sync and async transports."""

    def __init__(self, mode: str, store: RecordingStore, base_path: str, secrets: list[str]):
        self.mode, self.store, self.base_path, self.secrets = mode, store, base_path.rstrip("/"), secrets

    def key(self, request: httpx2.Request) -> tuple[str, dict]:
        path = request.url.path
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path):]
        return request_key(request.method, path, request.url.query.decode(), request.content)

    def before(self, request: httpx2.Request) -> tuple[httpx2.Response | None, str, dict, int]:
        """A replayed response, or None when the backend must be called."""
        key, stored = self.key(request)
        with _LOCK:
            n = _COUNTS[key]
            _COUNTS[key] += 1
        if self.mode in ("off", "record"):
            return None, key, stored, n
        committed = self.store.load(key)
        if self.mode == "strict":
            if not committed:
                raise ReplayMissError(self._miss_message(stored, key))
            return _served(committed[n % len(committed)], "recording"), key, stored, n
        known = committed + self.store.load(key, cached=True)
        if n < len(known):
            return _served(known[n], "recording" if n < len(committed) else "cache"), key, stored, n
        return None, key, stored, n

    def after(self, key: str, stored_request: dict, n: int, response: httpx2.Response, raw: bytes) -> None:
        """Keep a live answer: in the recordings (record) or the local cache (auto)."""
        if self.mode == "off":
            return
        item = to_stored(response, raw)
        with _LOCK:
            if self.mode == "record":
                fresh = key not in _RECORDED
                _RECORDED.add(key)
                previous = [] if fresh else self.store.load(key)
                self.store.save(key, stored_request, previous + [item], secrets=self.secrets)
            else:
                committed = len(self.store.load(key))
                cached = self.store.load(key, cached=True)[: max(0, n - committed)]
                self.store.save(key, stored_request, cached + [item], cached=True, secrets=self.secrets)

    @staticmethod
    def _miss_message(stored: dict, key: str) -> str:
        body = stored.get("body") or {}
        what = f"{stored['method']} {stored['path']}"
        if isinstance(body, dict) and body.get("messages"):
            last = body["messages"][-1]
            content = last.get("content")
            text = content if isinstance(content, str) else json.dumps(content)
            what += f" with model={body.get('model')!r}, last message ({last.get('role')}): {text[:80]!r}"
        return (
            f"No recording for {what} (key {key[:16]}).\n"
            "WORKBOOK_REPLAY=strict serves recorded answers only, and this request was never recorded "
            "(or a parameter differs from the recorded one).\n"
            "To record it: `make record` (re-runs every notebook and saves their calls), or run with "
            "WORKBOOK_REPLAY=record. To just get an answer now: WORKBOOK_REPLAY=auto."
        )


class ReplayTransport(httpx2.BaseTransport):
    """Sync record/replay transport around ``inner`` (the local model or real HTTP)."""

    def __init__(self, inner: httpx2.BaseTransport, mode: str, store: RecordingStore,
                 base_path: str = "", secrets: list[str] | None = None):
        self.inner, self.logic = inner, _Replay(mode, store, base_path, secrets or [])

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        replayed, key, stored, n = self.logic.before(request)
        if replayed is not None:
            return replayed
        response = self.inner.handle_request(request)
        if self.logic.mode == "off":
            return response
        if not _is_stream(response):
            raw = response.read()
            self.logic.after(key, stored, n, response, raw)
            return httpx2.Response(response.status_code, headers=_plain_headers(response), content=raw)
        return httpx2.Response(response.status_code, headers=_plain_headers(response),
                               stream=_TeeStream(response, lambda raw: self.logic.after(key, stored, n, response, raw)))

    def close(self) -> None:
        self.inner.close()


def _finished(parts: list[bytes]) -> bool:
    tail = b"".join(parts[-2:])
    return tail.rstrip().endswith(b"data: [DONE]")


class _TeeStream(httpx2.SyncByteStream):
    """Pass a live stream through; keep it only if it was read to the end."""

    def __init__(self, response: httpx2.Response, on_complete):
        self.response, self.on_complete = response, on_complete

    def __iter__(self) -> Iterator[bytes]:
        parts, kept = [], False
        for part in self.response.iter_bytes():
            parts.append(part)
            if not kept and _finished(parts):  # the SDK stops reading at [DONE]: keep it now
                kept = True
                self.on_complete(b"".join(parts))
            yield part
        if not kept:
            self.on_complete(b"".join(parts))

    def close(self) -> None:
        self.response.close()


class AsyncReplayTransport(httpx2.AsyncBaseTransport):
    """Async twin of ReplayTransport."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, mode: str, store: RecordingStore,
                 base_path: str = "", secrets: list[str] | None = None):
        self.inner, self.logic = inner, _Replay(mode, store, base_path, secrets or [])

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        replayed, key, stored, n = self.logic.before(request)
        if replayed is not None:
            return replayed
        response = await self.inner.handle_async_request(request)
        if self.logic.mode == "off":
            return response
        if not _is_stream(response):
            raw = await response.aread()
            self.logic.after(key, stored, n, response, raw)
            return httpx2.Response(response.status_code, headers=_plain_headers(response), content=raw)
        return httpx2.Response(response.status_code, headers=_plain_headers(response),
                               stream=_AsyncTeeStream(response, lambda raw: self.logic.after(key, stored, n, response, raw)))

    async def aclose(self) -> None:
        await self.inner.aclose()


class _AsyncTeeStream(httpx2.AsyncByteStream):
    def __init__(self, response: httpx2.Response, on_complete):
        self.response, self.on_complete = response, on_complete

    async def __aiter__(self) -> AsyncIterator[bytes]:
        parts, kept = [], False
        async for part in self.response.aiter_bytes():
            parts.append(part)
            if not kept and _finished(parts):
                kept = True
                self.on_complete(b"".join(parts))
            yield part
        if not kept:
            self.on_complete(b"".join(parts))

    async def aclose(self) -> None:
        await self.response.aclose()
