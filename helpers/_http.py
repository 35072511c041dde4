"""The plumbing the workbook's httpx2 transports share: wrapping one, teeing a stream, reading SSE.

Covers ``WrapperTransport`` (a transport around another one, for sync and async clients
alike, that ``make_client(wrap=...)`` hands the transport to wrap by calling it),
``TeeStream`` / ``AsyncTeeStream`` (a response's stream passed through unchanged, its
whole body handed to a callback once: at ``data: [DONE]``, where the SDK stops reading,
or at the end), ``sse_data`` (the data of each event in a Server-Sent Events body),
``is_stream`` and ``plain_headers``. Leaves out what any one transport does with a
request (``helpers.replay``, ``helpers.faults``, ``helpers.cost_meter``), the backends
and the stored form of a response (``helpers.recordings``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Self

import httpx2

__all__ = ["WrapperTransport", "TeeStream", "AsyncTeeStream", "sse_data", "is_stream", "plain_headers"]


class WrapperTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """A transport around ``inner``, for a sync or an async client (as httpx's MockTransport).

    Calling it with a transport sets ``inner`` and returns it, which is what
    ``make_client(wrap=...)`` does. A subclass writes ``handle_request`` and/or
    ``handle_async_request`` (the one it leaves out raises ``NotImplementedError``, as in
    httpx2) and reaches the transport underneath through ``underneath()``; closing closes
    ``inner``. ``example`` is how to wrap one, for the error when there is nothing underneath.
    """

    example = "..."

    def __init__(self, inner: httpx2.BaseTransport | httpx2.AsyncBaseTransport | None = None):
        self.inner = inner

    def __call__(self, inner) -> Self:
        """Wrap ``inner`` (what ``make_client(wrap=...)`` does)."""
        self.inner = inner
        return self

    def underneath(self):
        """``inner``, or a RuntimeError that says how to give it one."""
        if self.inner is None:
            name = type(self).__name__
            raise RuntimeError(f"{name} has nothing underneath: use make_client(wrap={self.example}).")
        return self.inner

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()


def is_stream(response: httpx2.Response) -> bool:
    """Whether ``response`` is a Server-Sent Events stream."""
    return response.headers.get("content-type", "").startswith("text/event-stream")


def plain_headers(response: httpx2.Response) -> dict[str, str]:
    """Headers for a re-served body that is already decoded (no gzip, no length)."""
    drop = {"content-encoding", "content-length", "transfer-encoding"}
    return {k: v for k, v in response.headers.items() if k.lower() not in drop}


def sse_data(raw: bytes, errors: str = "strict") -> Iterator[str]:
    """The data of each event in a Server-Sent Events body (its ``data:`` lines joined), in order.

    ``errors`` is how bytes that are not UTF-8 are decoded (``str.decode``'s argument)."""
    for block in raw.decode("utf-8", errors=errors).split("\n\n"):
        data = "\n".join(line[5:].lstrip() for line in block.splitlines() if line.startswith("data:"))
        if data:
            yield data


def _finished(parts: list[bytes]) -> bool:
    return b"".join(parts[-2:]).rstrip().endswith(b"data: [DONE]")


class TeeStream(httpx2.SyncByteStream):
    """Pass ``response``'s stream through unchanged; hand its bytes to ``on_complete`` once.

    ``on_complete`` gets the whole body when ``data: [DONE]`` has gone by (the SDK stops
    reading there) or else when the stream ends; a stream closed before either is not
    handed on. ``on_end`` (optional) runs once, first: when the body is complete or the
    stream is closed (e.g. when a live call ended, for its duration)."""

    def __init__(self, response: httpx2.Response, on_complete: Callable[[bytes], None],
                 on_end: Callable[[], None] | None = None):
        self.response, self.on_complete, self.on_end = response, on_complete, on_end
        self._parts: list[bytes] = []
        self._kept = False

    def _end(self) -> None:
        end, self.on_end = self.on_end, None
        if end is not None:
            end()

    def _passed(self, part: bytes) -> None:
        self._parts.append(part)
        if not self._kept and _finished(self._parts):
            self._keep()

    def _keep(self) -> None:
        self._kept = True
        self._end()
        self.on_complete(b"".join(self._parts))

    def _ended(self) -> None:
        self._end()
        if not self._kept:
            self._keep()

    def __iter__(self) -> Iterator[bytes]:
        for part in self.response.iter_bytes():
            self._passed(part)
            yield part
        self._ended()

    def close(self) -> None:
        self._end()
        self.response.close()


class AsyncTeeStream(TeeStream, httpx2.AsyncByteStream):
    """Async twin of :class:`TeeStream`."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.response.aiter_bytes():
            self._passed(part)
            yield part
        self._ended()

    async def aclose(self) -> None:
        self._end()
        await self.response.aclose()
