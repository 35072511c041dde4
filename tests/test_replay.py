"""Record/replay in front of a backend: modes, order of responses, streams, errors."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from helpers import CorruptRecordingError, ReplayMissError, make_client
from helpers.recordings import RecordingStore
from helpers.replay import ReplayTransport, reset_counters

FAKE_KEY = "sk" + "-test-secret-123456"  # fake, assembled so no key-shaped literal is committed
MESSAGES = [{"role": "user", "content": "Count to three."}]


class FakeBackend:
    """An inner transport that answers with numbered completions and counts calls."""

    def __init__(self, status: int = 200, headers: dict | None = None):
        self.calls, self.status, self.headers = 0, status, headers or {}

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        body = json.loads(request.content)
        if self.status != 200:
            error = {"error": {"message": "nope", "type": "invalid_request_error", "param": None, "code": None}}
            return httpx2.Response(self.status, headers=self.headers, json=error)
        if body.get("stream"):
            events = [{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "fake",
                       "choices": [{"index": 0, "delta": {"content": f"part{i} "}, "finish_reason": None}]}
                      for i in range(3)]
            parts = [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]
            return httpx2.Response(200, headers={"content-type": "text/event-stream"} | self.headers,
                                   content=iter(parts))
        completion = {"id": f"c{self.calls}", "object": "chat.completion", "created": 1, "model": "fake",
                      "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": f"answer {self.calls}"}}]}
        return httpx2.Response(200, headers=self.headers, json=completion)


@pytest.fixture
def store(tmp_path):
    return RecordingStore(tmp_path / "recordings", tmp_path / "cache", scope="test")


def client_over(backend: FakeBackend, mode: str, store: RecordingStore, retries: int = 0) -> openai.OpenAI:
    transport = ReplayTransport(httpx2.MockTransport(backend), mode, store, "/v1", [FAKE_KEY])
    return openai.OpenAI(api_key=FAKE_KEY, base_url="http://fake.test/v1", max_retries=retries,
                         http_client=openai.DefaultHttpxClient(transport=transport))


def ask(client: openai.OpenAI, **extra) -> str:
    return client.chat.completions.create(model="fake", messages=MESSAGES, **extra).choices[0].message.content


def test_record_then_strict_replays_in_order_then_cycles(store):
    backend = FakeBackend()
    recorder = client_over(backend, "record", store)
    assert [ask(recorder) for _ in range(3)] == ["answer 1", "answer 2", "answer 3"]
    reset_counters()
    offline = FakeBackend()
    replayer = client_over(offline, "strict", store)
    assert [ask(replayer) for _ in range(4)] == ["answer 1", "answer 2", "answer 3", "answer 1"]
    assert offline.calls == 0


def test_recording_again_adds_answers_and_make_record_starts_from_an_empty_folder(store):
    ask(client_over(FakeBackend(), "record", store))
    reset_counters()
    again = FakeBackend()
    again.calls = 10
    ask(client_over(again, "record", store))  # a second recorder (another run or process) adds
    reset_counters()
    strict = client_over(FakeBackend(), "strict", store)
    assert [ask(strict), ask(strict)] == ["answer 1", "answer 11"]


def test_strict_miss_names_the_request_and_the_fix_without_retrying(store):
    backend = FakeBackend()
    with pytest.raises(ReplayMissError) as info:
        ask(client_over(backend, "strict", store, retries=3))
    message = str(info.value)
    assert "POST /chat/completions" in message and "Count to three." in message
    assert "make record" in message and "WORKBOOK_REPLAY=auto" in message
    assert backend.calls == 0


def test_a_different_parameter_is_a_miss(store):
    ask(client_over(FakeBackend(), "record", store), temperature=0.5)
    reset_counters()
    replayer = client_over(FakeBackend(), "strict", store)
    assert ask(replayer, temperature=0.5) == "answer 1"
    with pytest.raises(ReplayMissError):
        ask(replayer, temperature=0.6)


def test_auto_cycles_through_recordings_like_strict_and_never_goes_live_for_them(store):
    ask(client_over(FakeBackend(), "record", store))
    reset_counters()
    live = FakeBackend()
    auto = client_over(live, "auto", store)
    assert [ask(auto) for _ in range(3)] == ["answer 1"] * 3  # the recording, every time
    assert live.calls == 0


def test_auto_goes_live_for_a_new_request_then_serves_the_cache_for_its_repeats(store):
    live = FakeBackend()
    auto = client_over(live, "auto", store)
    assert [ask(auto), ask(auto)] == ["answer 1", "answer 2"]  # two identical calls: two samples
    assert live.calls == 2
    reset_counters()  # a new kernel
    again = FakeBackend()
    auto = client_over(again, "auto", store)
    assert [ask(auto), ask(auto)] == ["answer 1", "answer 2"]
    assert again.calls == 0
    assert list(store.cache.glob("*.json")) and not store.root.exists()


def test_a_changed_parameter_in_auto_is_a_fresh_live_sample(store):
    ask(client_over(FakeBackend(), "record", store), temperature=1)
    reset_counters()
    live = FakeBackend()
    live.calls = 50
    auto = client_over(live, "auto", store)
    assert ask(auto, temperature=1) == "answer 1" and ask(auto, temperature=0.9) == "answer 51"


class Cell:
    """Stands in for IPython's cell hooks: which cell runs, and the run number."""

    def __init__(self, monkeypatch):
        self.run, self.cell = 0, None
        monkeypatch.setattr("helpers.provenance.current_cell", lambda: (self.cell, self.run))

    def __call__(self, cell_id, fn):
        self.run += 1
        self.cell = cell_id
        try:
            return fn()
        finally:
            self.cell = None


@pytest.mark.parametrize("mode", ["auto", "strict"])
def test_rerunning_a_cell_shows_what_it_showed_even_after_other_cells_made_the_same_call(
        store, monkeypatch, mode):
    recorder = client_over(FakeBackend(), "record", store)
    [ask(recorder) for _ in range(3)]  # a notebook whose three cells each ask the same thing
    reset_counters()
    cell = Cell(monkeypatch)
    offline = FakeBackend()
    client = client_over(offline, mode, store)
    first = [cell(c, lambda: ask(client)) for c in ("a", "b", "c")]
    assert first == ["answer 1", "answer 2", "answer 3"]
    assert [cell("b", lambda: ask(client)) for _ in range(3)] == ["answer 2"] * 3
    assert cell("a", lambda: [ask(client), ask(client)]) == ["answer 1", "answer 1"]  # a 2nd call cycles
    assert offline.calls == 0


def test_rerunning_a_live_cell_serves_its_cached_answers(store, monkeypatch):
    cell = Cell(monkeypatch)
    live = FakeBackend()
    auto = client_over(live, "auto", store)
    first = cell("x", lambda: [ask(auto), ask(auto)])
    assert first == ["answer 1", "answer 2"] and live.calls == 2
    assert cell("x", lambda: [ask(auto), ask(auto)]) == first
    assert cell("x", lambda: [ask(auto), ask(auto)]) == first
    assert live.calls == 2


def test_provenance_counts_recorded_cached_and_live(store, monkeypatch):
    from helpers import provenance

    ask(client_over(FakeBackend(), "record", store))
    reset_counters()
    tally = provenance.CellTally()
    monkeypatch.setattr(provenance._STATE, "tally", tally)
    auto = client_over(FakeBackend(), "auto", store)
    ask(auto)  # recorded
    ask(auto, temperature=0.3)  # live
    reset_counters()
    ask(auto, temperature=0.3)  # cached
    assert [c.source for c in tally.calls] == ["recorded", "live", "cached"]
    assert tally.calls[1].seconds is not None and tally.calls[1].seconds >= 0
    assert provenance.note_text(tally).startswith("answers: 1 recorded, 1 cached, 1 live in ")


def test_a_live_stream_is_timed_when_read_and_when_closed_early(store, monkeypatch):
    from helpers import provenance

    tally = provenance.CellTally()
    monkeypatch.setattr(provenance._STATE, "tally", tally)
    client = client_over(FakeBackend(), "off", store)
    list(client.chat.completions.create(model="fake", messages=MESSAGES, stream=True))
    stream = client.chat.completions.create(model="fake", messages=MESSAGES, stream=True)
    next(iter(stream))
    stream.close()
    assert [c.source for c in tally.calls] == ["live", "live"]


def test_off_always_calls_and_writes_nothing(store):
    backend = FakeBackend()
    client = client_over(backend, "off", store)
    assert [ask(client), ask(client)] == ["answer 1", "answer 2"]
    assert not store.root.exists() and not store.cache.exists()


def test_errors_are_recorded_and_replayed(store):
    with pytest.raises(openai.BadRequestError):
        ask(client_over(FakeBackend(status=400), "record", store))
    reset_counters()
    with pytest.raises(openai.BadRequestError) as info:
        ask(client_over(FakeBackend(), "strict", store))
    assert info.value.status_code == 400 and info.value.body["message"] == "nope"


def test_rate_limit_headers_kept_cookies_dropped(store):
    backend = FakeBackend(status=429, headers={"retry-after": "7", "set-cookie": "session=abc",
                                               "openai-organization": "org-private"})
    with pytest.raises(openai.RateLimitError):
        ask(client_over(backend, "record", store))
    stored = json.loads(next(store.root.rglob("*.json")).read_text())["responses"][0]
    assert stored["status"] == 429 and stored["headers"] == {"content-type": "application/json",
                                                             "retry-after": "7"}


def test_streams_are_recorded_as_events_and_replayed(store):
    recorder = client_over(FakeBackend(), "record", store)
    live = "".join(c.choices[0].delta.content for c in recorder.chat.completions.create(
        model="fake", messages=MESSAGES, stream=True))
    stored = json.loads(next(store.root.rglob("*.json")).read_text())["responses"][0]
    assert stored["events"][-1] == "[DONE]" and stored["events"][0]["object"] == "chat.completion.chunk"
    reset_counters()
    replayer = client_over(FakeBackend(), "strict", store)
    replayed = "".join(c.choices[0].delta.content for c in replayer.chat.completions.create(
        model="fake", messages=MESSAGES, stream=True))
    assert live == replayed == "part0 part1 part2 "


def test_a_stream_closed_early_is_not_recorded(store):
    recorder = client_over(FakeBackend(), "record", store)
    stream = recorder.chat.completions.create(model="fake", messages=MESSAGES, stream=True)
    next(iter(stream))
    stream.close()
    assert not list(store.root.rglob("*.json"))


def test_corrupt_recording_surfaces_as_itself(store):
    ask(client_over(FakeBackend(), "record", store))
    next(store.root.rglob("*.json")).write_text("{broken")
    reset_counters()
    with pytest.raises(CorruptRecordingError, match="is corrupt"):
        ask(client_over(FakeBackend(), "strict", store, retries=3))


@pytest.mark.live
def test_local_backend_record_and_strict_replay_are_identical(model):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
    recorder = make_client("local", replay="record", scope="t")
    recorded = [recorder.chat.completions.create(model=model, messages=messages, max_completion_tokens=6)
                .choices[0].message.content for _ in range(2)]
    reset_counters()
    replayer = make_client("local", replay="strict")
    replayed = [replayer.chat.completions.create(model=model, messages=messages, max_completion_tokens=6)
                .choices[0].message.content for _ in range(2)]
    assert recorded == replayed


def test_a_connection_error_is_a_failed_call_in_the_provenance(store, monkeypatch):
    from helpers import provenance

    tally = provenance.CellTally()
    monkeypatch.setattr(provenance._STATE, "tally", tally)

    def refuse(request):
        raise httpx2.ConnectError("refused", request=request)

    transport = ReplayTransport(httpx2.MockTransport(refuse), "auto", store, "/v1", [])
    client = openai.OpenAI(api_key="x", base_url="http://fake.test/v1", max_retries=2,
                           http_client=openai.DefaultHttpxClient(transport=transport))
    with pytest.raises(openai.APIConnectionError):
        ask(client)
    assert [c.source for c in tally.calls] == ["failed"] * 3


def test_no_in_place_progress_for_a_live_client_inside_a_strict_run(store, monkeypatch):
    from helpers import provenance

    seen = []
    monkeypatch.setattr(provenance, "live_started", lambda strict=False: seen.append(strict))
    monkeypatch.setenv("WORKBOOK_REPLAY", "strict")  # e.g. nbval, which ignores display updates
    ask(client_over(FakeBackend(), "off", store))
    monkeypatch.setenv("WORKBOOK_REPLAY", "auto")
    ask(client_over(FakeBackend(), "off", store))
    assert seen == [True, False]


def async_client_over(backend, mode: str, store: RecordingStore) -> openai.AsyncOpenAI:
    transport = ReplayTransport(httpx2.MockTransport(backend), mode, store, "/v1", [FAKE_KEY])
    return openai.AsyncOpenAI(api_key=FAKE_KEY, base_url="http://fake.test/v1", max_retries=0,
                              http_client=openai.DefaultAsyncHttpxClient(transport=transport))


def whole_stream(request: httpx2.Request) -> httpx2.Response:
    """FakeBackend's answers, a stream sent as one body (readable by a sync or an async client)."""
    response = FakeBackend()(request)
    return httpx2.Response(response.status_code, headers=response.headers, content=response.read())


def test_one_transport_serves_an_async_client_and_its_recordings_replay_to_a_sync_one(store):
    import asyncio

    async def record() -> tuple[str, str]:
        client = async_client_over(whole_stream, "record", store)
        plain = await client.chat.completions.create(model="fake", messages=MESSAGES)
        stream = await client.chat.completions.create(model="fake", messages=MESSAGES, stream=True)
        text = "".join([c.choices[0].delta.content async for c in stream])
        return plain.choices[0].message.content, text

    assert asyncio.run(record()) == ("answer 1", "part0 part1 part2 ")
    reset_counters()
    offline = FakeBackend()
    replayer = client_over(offline, "strict", store)
    assert ask(replayer) == "answer 1"
    chunks = replayer.chat.completions.create(model="fake", messages=MESSAGES, stream=True)
    assert "".join(c.choices[0].delta.content for c in chunks) == "part0 part1 part2 "
    assert offline.calls == 0
