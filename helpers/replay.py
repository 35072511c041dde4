"""Record/replay in front of any backend, as an httpx2 transport under the real SDK.

Modes (``WORKBOOK_REPLAY``): ``auto`` serves a committed recording when the exact request
has one, else the answer a live call left in the git-ignored cache, else calls the
backend and caches the answer; ``strict`` serves recordings only (a miss raises
``ReplayMissError`` naming the request and the command that records it); ``record``
calls the backend and adds the answer to ``data/recordings``; ``off`` always calls the
backend. Which answer a call gets: the Nth identical call in a process gets the Nth
response, and recordings cycle (the first again when they run out) in ``auto`` as in
``strict``; in a notebook, re-running a cell gives each of its calls the same answer
it got the last time that cell ran, so an unchanged cell shows the same text every
time, with no live call. Streams are kept as their Server-Sent Events; error responses
are kept too. Each call is reported to ``helpers.provenance`` (recorded, cached, live
and how long). Leaves out the store format.

Used in lessons: 16.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from typing import Any

import httpx2

from helpers import provenance
from helpers._http import (
    AsyncTeeStream,
    TeeStream,
    WrapperTransport,
    is_stream,
    plain_headers,
    sse_data,
)
from helpers.errors import ReplayMissError
from helpers.recordings import KEPT_HEADERS, RecordingStore, request_key
from helpers.secrets import scrub
from helpers.settings import resolve_replay

__all__ = ["reset_counters", "ReplayTransport", "replay_mode"]

_COUNTS: dict[str, int] = defaultdict(int)
# Per notebook cell: (the cell run it belongs to, the indices its calls got in that run,
# the indices they got in the run before), so a re-run repeats them.
_CELLS: dict[object, tuple[int, dict[str, list[int]], dict[str, list[int]]]] = {}
_LOCK = threading.Lock()


def reset_counters() -> None:
    """Forget how many times each request was seen (a fresh 'run', like a new kernel)."""
    with _LOCK:
        _COUNTS.clear()
        _CELLS.clear()


def _next_index(key: str) -> int:
    """Which of ``key``'s responses this call gets (see the module docstring)."""
    cell, run = provenance.current_cell()
    with _LOCK:
        if cell is None:
            n = _COUNTS[key]
            _COUNTS[key] += 1
            return n
        seen_run, now, before = _CELLS.get(cell, (run, {}, {}))
        if seen_run != run:  # this cell is running again: its last run is the plan
            now, before = {}, now
        position = len(now.setdefault(key, []))
        planned = before.get(key, [])
        if position < len(planned):
            n = planned[position]
        else:
            n = _COUNTS[key]
            _COUNTS[key] += 1
        now[key].append(n)
        _CELLS[cell] = (run, now, before)
        return n


def _to_stored(response: httpx2.Response, raw: bytes) -> dict:
    """A response as kept on disk: status, kept headers, JSON body or SSE events."""
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    out: dict = {"status": response.status_code, "headers": headers}
    if is_stream(response):
        events = []
        for data in sse_data(raw):
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


def _from_stored(stored: dict) -> httpx2.Response:
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
    response = _from_stored(stored)
    response.extensions["workbook_source"] = source
    return response


class _Replay:
    """The decisions shared by the sync and async paths of ReplayTransport."""

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
        n = _next_index(key)
        if self.mode in ("off", "record"):
            return None, key, stored, n
        committed = self.store.load(key)
        if committed:
            provenance.served("recorded")
            return _served(committed[n % len(committed)], "recording"), key, stored, n
        if self.mode == "strict":
            raise ReplayMissError(scrub(self._miss_message(stored, key), self.secrets))
        cached = self.store.load(key, cached=True)
        if n < len(cached):
            provenance.served("cached")
            return _served(cached[n], "cache"), key, stored, n
        return None, key, stored, n

    def after(self, key: str, stored_request: dict, n: int, response: httpx2.Response, raw: bytes) -> None:
        """Keep a live answer: in the recordings (record) or the local cache (auto)."""
        if self.mode == "off":
            return
        item = _to_stored(response, raw)
        if self.mode == "record":
            self.store.append(key, stored_request, item, secrets=self.secrets)
        else:
            self.store.append(key, stored_request, item, cached=True, secrets=self.secrets, upto=n + 1)

    def live(self) -> float:
        """A live call starts now: tell provenance (progress shows unless strict)."""
        # No in-place progress when the notebook itself runs under strict replay (CI, nbval,
        # which ignores display updates), even for a client with its own mode (replay="off").
        provenance.live_started(strict="strict" in (self.mode, resolve_replay()))
        return time.perf_counter()

    @staticmethod
    def done(started: float, failed: bool = False) -> None:
        provenance.live_finished(time.perf_counter() - started, failed)

    def answer(self, response: httpx2.Response, raw: bytes | None, where: tuple[str, dict, int], started: float,
               tee: type[TeeStream] | type[AsyncTeeStream]) -> httpx2.Response:
        """The live answer handed back: read whole (``raw``) and kept now, or a stream that
        ``tee`` keeps once it has been read to the end (and that ends the call's timing)."""
        headers = plain_headers(response)
        if raw is not None:
            self.done(started, failed=response.status_code >= 400)
            self.after(*where, response, raw)
            return httpx2.Response(response.status_code, headers=headers, content=raw)
        return httpx2.Response(response.status_code, headers=headers,
                               stream=tee(response, lambda body: self.after(*where, response, body),
                                          lambda: self.done(started)))

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


class ReplayTransport(WrapperTransport):
    """Record/replay around ``inner`` (the local model or real HTTP), for a sync or an async
    client (as httpx's MockTransport): the two ``handle`` methods differ only in how they
    read, and share everything else through ``_Replay``."""

    def __init__(self, inner: httpx2.BaseTransport | httpx2.AsyncBaseTransport | None, mode: str,
                 store: RecordingStore, base_path: str = "", secrets: list[str] | None = None):
        super().__init__(inner)
        self.logic = _Replay(mode, store, base_path, secrets or [])

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        replayed, key, stored, n = self.logic.before(request)
        if replayed is not None:
            return replayed
        started = self.logic.live()
        try:
            response = self.inner.handle_request(request)
            raw = None if is_stream(response) else response.read()
        except BaseException:
            self.logic.done(started, failed=True)
            raise
        return self.logic.answer(response, raw, (key, stored, n), started, TeeStream)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        replayed, key, stored, n = self.logic.before(request)
        if replayed is not None:
            return replayed
        started = self.logic.live()
        try:
            response = await self.inner.handle_async_request(request)
            raw = None if is_stream(response) else await response.aread()
        except BaseException:
            self.logic.done(started, failed=True)
            raise
        return self.logic.answer(response, raw, (key, stored, n), started, AsyncTeeStream)


def replay_mode(client: Any) -> str | None:
    """The replay mode of a client built by ``make_client`` (under any ``wrap=``), or None."""
    transport = getattr(getattr(client, "_client", None), "_transport", None)
    while isinstance(transport, WrapperTransport):  # wrappers (faults, cost meter...) sit above replay
        if isinstance(transport, ReplayTransport):
            return transport.logic.mode
        transport = transport.inner
    return None
