"""Many callers, one model: requests queue for MODEL_LOCK's leases and all finish.

Unit tests of ``ModelLock`` (a fresh lock, no model) and live tests through the SDK:
``asyncio.gather`` of streams and calls, more async streams than anyio has worker threads,
threads sharing the model, and streams left unfinished (garbage-collected, or idle while
someone waits) that must not block the next request forever.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from helpers import LocalModelError, make_async_client
from helpers.local.model import MODEL_LOCK, ModelLock


def _in_thread(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


# -- the lock itself ------------------------------------------------------------------


def test_leases_are_granted_in_arrival_order():
    lock, order = ModelLock(), []
    first = lock.lease()
    first.acquire()

    def take(name: str) -> None:
        with lock.lease():
            order.append(name)

    threads = []
    for name in "bcd":
        threads.append(_in_thread(take, name))
        time.sleep(0.05)
    first.release()
    for thread in threads:
        thread.join(5)
    assert order == ["b", "c", "d"]


def test_a_lease_is_owned_by_its_stream_not_by_a_thread():
    """The bug: anyio reuses worker threads, so a thread id said nothing about who reads a "
      "stream."""
    lock = ModelLock()
    with ThreadPoolExecutor(max_workers=1) as pool:  # one worker thread, reused for every task
        stream_a, stream_b = lock.lease(thread_bound=False), lock.lease(thread_bound=False)
        pool.submit(lambda: (stream_a.acquire(), stream_a.pause())).result(5)
        waiting = pool.submit(stream_b.acquire)  # same thread as stream_a: must wait, not raise
        time.sleep(0.2)
        assert not waiting.done()
        stream_a.resume()  # from another thread (this one)
        stream_a.release()
        waiting.result(5)
    assert stream_b.held


def test_the_same_thread_asking_while_its_stream_is_open_gets_a_clear_error_at_once():
    lock = ModelLock(idle_seconds=60)
    stream = lock.lease()
    stream.acquire()
    stream.pause()
    started = time.monotonic()
    with pytest.raises(LocalModelError, match="still open"):
        lock.lease().acquire()
    assert time.monotonic() - started < 1
    stream.resume()
    stream.release()
    assert lock._queue == type(lock._queue)()  # the refused request left the queue
    with lock.lease():
        pass


def test_an_idle_stream_gives_way_to_a_waiter_and_then_says_why():
    lock = ModelLock(idle_seconds=0.3)
    stream = lock.lease()
    stream.acquire()
    stream.pause()
    got = threading.Event()
    started = time.monotonic()
    _in_thread(lambda: (lock.lease().acquire(), got.set()))
    assert got.wait(5)
    assert 0.25 <= time.monotonic() - started < 3
    with pytest.raises(LocalModelError, match="left unread"):
        stream.resume()
    stream.release()  # no effect: it no longer holds the model


def test_a_lease_in_use_is_never_taken_away():
    lock = ModelLock(idle_seconds=0.1)
    busy = lock.lease()
    busy.acquire()  # generating: not paused
    got = threading.Event()
    _in_thread(lambda: (lock.lease().acquire(), got.set()))
    assert not got.wait(0.6)  # well past the idle bound
    busy.release()
    assert got.wait(5)


def test_an_async_waiter_that_gives_up_leaves_the_queue():
    lock = ModelLock()
    holder = lock.lease()
    holder.acquire()

    async def wait_briefly():
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(lock.lease(thread_bound=False).acquire_async(), 0.1)

    asyncio.run(wait_briefly())
    assert len(lock._queue) == 0
    holder.release()
    follower = lock.lease()
    follower.acquire()  # not stuck behind the waiter that left
    assert follower.held


def test_with_model_lock_still_works_in_any_thread():
    lock = ModelLock()
    done = []

    def use() -> None:
        with lock:
            done.append(threading.get_ident())

    threads = [_in_thread(use) for _ in range(4)]
    for thread in threads:
        thread.join(5)
    assert len(done) == 4 and lock._holder is None


# -- live, through the SDK -------------------------------------------------------------


def _ask(i: int) -> list[dict]:
    return [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": f"Say hello to friend {i}."},
    ]


async def _stream_text(client, model, i: int, tokens: int = 6) -> str:
    stream = await client.chat.completions.create(
        model=model, messages=_ask(i), max_completion_tokens=tokens, seed=i, stream=True
    )
    text, finish = "", None
    async for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    assert finish in ("stop", "length")
    return text


async def _call_text(client, model, i: int) -> str:
    resp = await client.chat.completions.create(
        model=model, messages=_ask(i), max_completion_tokens=6, seed=i
    )
    return resp.choices[0].message.content


@pytest.mark.live
def test_gather_of_four_async_streams_finishes_every_time(model):
    async def round_of_four():
        client = make_async_client("local", replay="off", max_retries=0)
        return await asyncio.wait_for(
            asyncio.gather(*(_stream_text(client, model, i) for i in range(4))), 120
        )

    for _ in range(5):
        texts = asyncio.run(round_of_four())
        assert len(texts) == 4 and all(isinstance(t, str) for t in texts)


@pytest.mark.live
def test_gather_of_streams_and_plain_calls_together(model):
    async def mixed():
        client = make_async_client("local", replay="off", max_retries=0)
        jobs = [(_stream_text if i % 2 else _call_text)(client, model, i) for i in range(6)]
        return await asyncio.wait_for(asyncio.gather(*jobs), 120)

    assert len(asyncio.run(mixed())) == 6


@pytest.mark.live
def test_more_async_streams_than_worker_threads(model):
    """Waiting for the model must not tie up anyio's worker threads (40 by default): with
    the limit lowered to 3, 8 streams at once still all finish. If a waiting stream held a
    thread, the 3 waiters would leave none for the stream that holds the model, and
    ``wait_for`` would time out. (Measured here: the same with 45 streams and the default
    limit took 29 s; this takes about 5.)"""

    async def many():
        anyio.to_thread.current_default_thread_limiter().total_tokens = 3  # this event loop only
        client = make_async_client("local", replay="off", max_retries=0)
        return await asyncio.wait_for(
            asyncio.gather(*(_stream_text(client, model, i, 1) for i in range(8))), 120
        )

    assert len(asyncio.run(many())) == 8


@pytest.mark.live
def test_an_abandoned_async_stream_does_not_block_the_next_call(model, monkeypatch):
    monkeypatch.setattr(MODEL_LOCK, "idle_seconds", 0.5)

    async def abandon_then_ask():
        client = make_async_client("local", replay="off", max_retries=0)
        stream = await client.chat.completions.create(
            model=model, messages=_ask(1), max_completion_tokens=30, stream=True
        )
        async for _ in stream:
            break  # no aclose(): the stream stays open, and referenced
        started = time.monotonic()
        answer = await asyncio.wait_for(_call_text(client, model, 2), 60)
        waited = time.monotonic() - started
        with pytest.raises(LocalModelError, match="left unread"):
            async for _ in stream:
                pass
        return answer, waited

    answer, waited = asyncio.run(abandon_then_ask())
    assert isinstance(answer, str) and waited < 30


@pytest.mark.live
def test_a_garbage_collected_stream_gives_the_model_back(client, model):
    stream = client.chat.completions.create(
        model=model, messages=_ask(1), max_completion_tokens=30, stream=True
    )
    next(iter(stream))
    del stream
    gc.collect()
    resp = client.chat.completions.create(model=model, messages=_ask(2), max_completion_tokens=3)
    assert resp.choices[0].finish_reason in ("stop", "length")


@pytest.mark.live
def test_threads_share_the_model_in_turn(client, model):
    results: list[str] = []

    def work(i: int) -> None:
        with client.chat.completions.create(
            model=model, messages=_ask(i), max_completion_tokens=5, stream=True
        ) as stream:
            results.append("".join(c.choices[0].delta.content or "" for c in stream if c.choices))
        results.append(
            client.chat.completions.create(model=model, messages=_ask(i), max_completion_tokens=5)
            .choices[0]
            .message.content
        )

    threads = [_in_thread(work, i) for i in range(4)]
    for thread in threads:
        thread.join(120)
    assert len(results) == 8
