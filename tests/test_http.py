"""helpers._http: the wrapper transport, tee streams and SSE reading the transports share."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from helpers._http import (
    AsyncTeeStream,
    TeeStream,
    WrapperTransport,
    is_stream,
    plain_headers,
    sse_data,
)

SSE = [b'data: {"a": 1}\n\n', b"data: [DONE]\n\n", b": a comment after the end\n\n"]


class _Parts(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body that arrives in the given parts (sync or async)."""

    def __init__(self, parts):
        self.parts = parts

    def __iter__(self):
        yield from self.parts

    async def __aiter__(self):
        for part in self.parts:
            yield part


def sse_response(parts=SSE) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/event-stream", "content-length": "9"},
                           stream=_Parts(parts))


def test_a_tee_hands_on_the_body_once_at_done_after_on_end():
    seen = []
    tee = TeeStream(sse_response(), lambda raw: seen.append(("complete", raw)), lambda: seen.append("end"))
    body = b"".join(tee)
    assert body == b"".join(SSE)
    assert seen == ["end", ("complete", b"".join(SSE[:2]))]  # at [DONE], where the SDK stops reading
    tee.close()
    assert len(seen) == 2


def test_a_tee_without_done_hands_on_the_body_at_its_end_and_a_closed_one_never():
    seen = []
    assert b"".join(TeeStream(sse_response(SSE[:1]), seen.append)) == SSE[0]
    assert seen == [SSE[0]]
    ended = []
    closed = TeeStream(sse_response(), seen.append, lambda: ended.append(True))
    closed.close()
    assert seen == [SSE[0]] and ended == [True]


def test_the_async_tee_behaves_as_the_sync_one():
    seen = []

    async def read() -> bytes:
        response = sse_response()
        return b"".join([part async for part in AsyncTeeStream(response, seen.append)])

    assert asyncio.run(read()) == b"".join(SSE)
    assert seen == [b"".join(SSE[:2])]


def test_sse_data_joins_data_lines_and_skips_comments():
    raw = b'data: {"a":\ndata: 1}\n\n: comment\n\ndata: [DONE]\n\n'
    assert list(sse_data(raw)) == ['{"a":\n1}', "[DONE]"]
    assert list(sse_data(b"data: \xff\n\n", errors="replace")) == ["\ufffd"]
    with pytest.raises(UnicodeDecodeError):
        list(sse_data(b"data: \xff\n\n"))


def test_headers_and_stream_detection():
    response = sse_response()
    assert is_stream(response) and not is_stream(httpx2.Response(200, json={}))
    assert plain_headers(response) == {"content-type": "text/event-stream"}


def test_a_wrapper_wraps_when_called_and_says_when_it_has_nothing_underneath():
    class Named(WrapperTransport):
        example = "Named()"

        def handle_request(self, request):
            return self.underneath().handle_request(request)

    request = httpx2.Request("GET", "http://x.test/")
    with pytest.raises(RuntimeError, match=r"Named has nothing underneath: use make_client\(wrap=Named\(\)\)"):
        Named().handle_request(request)
    inner = httpx2.MockTransport(lambda request: httpx2.Response(204))
    wrapper = Named()
    assert wrapper(inner) is wrapper and wrapper.inner is inner
    assert wrapper.handle_request(request).status_code == 204
    with pytest.raises(NotImplementedError):  # what it does not write stays httpx2's
        asyncio.run(wrapper.handle_async_request(request))
