"""Replay overhead: a strictly replayed create() against an in-memory floor; target <= 1.25x per call.

A: ``client.chat.completions.create`` served by ``make_client("local", replay="strict")``.
B: an ``openai.OpenAI`` whose ``httpx2.MockTransport`` returns the very same response
bytes (status, headers, body) from memory. Both sides run several hundred calls in
interleaved blocks after a warm-up; the figure is the ratio of the median times per call.
The recording is made once, with ``replay="record"``, in a temporary folder.

Left out: the model (the recording is made before timing starts), streams, disk caches
other than the recording itself, and anything a notebook does around the call.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

if TYPE_CHECKING:
    import openai

NAME = "replay"
TITLE = "Replay overhead: one chat.completions.create, median time per call"
LEGEND = ("A: make_client('local', replay='strict')   B: openai.OpenAI on an "
          "httpx2.MockTransport returning the same bytes from memory")

# Several hundred calls per side, in interleaved blocks.
REPLAY_ROUNDS, REPLAY_BLOCK, REPLAY_WARMUP = 20, 25, 50
REPLAY_REQUEST: dict[str, Any] = {
    "messages": [
        {"role": "system", "content": "You are a concise assistant."},
        {"role": "user", "content": "Name three colours."},
    ],
    "max_completion_tokens": 32,
    "seed": 7,
}


@contextlib.contextmanager
def patched_env(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def record_one(request: dict[str, Any]) -> dict[str, Any]:
    """Record one response with ``replay="record"`` and return it as stored on disk."""
    from helpers import make_client
    from helpers.recordings import RecordingStore
    from helpers.replay import reset_counters

    make_client("local", replay="record").chat.completions.create(**request)
    reset_counters()
    files = sorted(RecordingStore().root.glob("*/*.json"))
    if len(files) != 1:
        raise RuntimeError(f"expected one recording, found {len(files)}: {files}")
    return json.loads(files[0].read_text(encoding="utf-8"))["responses"][0]


def floor_client(stored: dict[str, Any]) -> openai.OpenAI:
    """An ``openai.OpenAI`` whose MockTransport answers with the recording's status, headers, body."""
    import httpx2
    import openai

    from helpers.client import LOCAL_PLACEHOLDER_KEY
    from helpers.settings import LOCAL_BASE_URL

    status, headers = stored["status"], dict(stored["headers"])
    content = json.dumps(stored["body"]).encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, headers=headers, content=content)

    http_client = openai.DefaultHttpxClient(transport=httpx2.MockTransport(handler))
    return openai.OpenAI(api_key=LOCAL_PLACEHOLDER_KEY, base_url=LOCAL_BASE_URL, http_client=http_client)


def same_response(replay: openai.OpenAI, floor: openai.OpenAI, request: dict[str, Any]) -> bool:
    """Whether both clients receive identical status, headers and body bytes."""
    a = replay.chat.completions.with_raw_response.create(**request).http_response
    b = floor.chat.completions.with_raw_response.create(**request).http_response
    return (a.status_code, dict(a.headers), a.content) == (b.status_code, dict(b.headers), b.content)


def run(ctx: harness.Context) -> list[harness.Result]:
    """Per-call time of a strictly replayed create() against the in-memory MockTransport floor."""
    from helpers import make_client
    from helpers.settings import LOCAL_MODEL_ID

    request = {"model": LOCAL_MODEL_ID, **REPLAY_REQUEST}
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        with patched_env(WORKBOOK_RECORDINGS=f"{tmp}/recordings", WORKBOOK_CACHE=f"{tmp}/cache"):
            stored = record_one(request)
            replay = make_client("local", replay="strict")
        floor = floor_client(stored)
        identical = same_response(replay, floor, request)
        sides = {"replay": harness.timed(lambda: replay.chat.completions.create(**request)),
                 "floor": harness.timed(lambda: floor.chat.completions.create(**request))}
        harness.alternate(sides, rounds=2, block=REPLAY_WARMUP // 2)
        samples = harness.alternate(sides, rounds=REPLAY_ROUNDS, block=REPLAY_BLOCK)
    notes = [
        f"{len(samples['replay'])} calls per side in {REPLAY_ROUNDS} interleaved blocks of {REPLAY_BLOCK}",
        f"p90: replay {harness.percentile(samples['replay'], 90) * 1e6:.1f} us, "
        f"floor {harness.percentile(samples['floor'], 90) * 1e6:.1f} us",
        f"identical status, headers and body bytes on both sides: {'yes' if identical else 'NO'}",
    ]
    return [harness.ab("replay strict vs MockTransport", samples["replay"], samples["floor"], 1.25, "<=",
                       side_unit="us", side_scale=1e6, valid=identical, notes=notes)]
