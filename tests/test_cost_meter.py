"""The cost meter counts tokens and dollars from real responses: JSON, streamed, replayed."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from helpers import make_client
from helpers.cost_meter import UNKNOWN, CostMeter, private_cache_client
from helpers.costs import load_prices, price_call
from helpers.faults import FaultTransport
from helpers.replay import reset_counters


def stub(model: str, usage: dict | None):
    body = {"id": "c", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "x"}}],
            "usage": usage}

    class Stub(httpx2.BaseTransport):
        def handle_request(self, request):
            return httpx2.Response(200, headers={"content-type": "application/json"}, content=json.dumps(body).encode())

    return Stub()


def sdk(meter: CostMeter, inner) -> openai.OpenAI:
    return openai.OpenAI(api_key="test", base_url="http://stub/v1", max_retries=0,
                         http_client=openai.DefaultHttpxClient(transport=meter(inner)))


MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi."}]


def test_priced_model_with_cached_and_reasoning_tokens():
    usage = {"prompt_tokens": 2000, "completion_tokens": 300, "total_tokens": 2300,
             "prompt_tokens_details": {"cached_tokens": 1024},
             "completion_tokens_details": {"reasoning_tokens": 200}}
    meter = CostMeter()
    sdk(meter, stub("gpt-4o-mini-2024-07-18", usage)).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    row = meter.frame().iloc[0]
    assert (row["prompt"], row["cached"], row["completion"], row["reasoning"]) == (2000, 1024, 300, 200)
    expected = (976 * 0.15 + 1024 * 0.075 + 300 * 0.60) / 1e6
    assert row["cost $"] == pytest.approx(expected) and row["paid $"] == pytest.approx(expected)


def test_unknown_model_is_unknown_not_free():
    meter = CostMeter()
    usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    sdk(meter, stub("mystery-model", usage)).chat.completions.create(model="mystery-model", messages=MESSAGES)
    assert meter.frame().iloc[0]["cost $"] == UNKNOWN
    assert meter.total() == (0.0, 1)
    assert "1 call(s) of unknown price" in meter.summary()


def test_errors_are_not_counted_as_calls():
    meter = CostMeter()
    faults = FaultTransport(["401"])
    faults(stub("gpt-4o-mini", {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))
    with pytest.raises(openai.AuthenticationError):
        sdk(meter, faults).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert meter.calls == []


@pytest.mark.live
def test_local_json_and_streamed_calls_are_metered(model):
    meter = CostMeter()
    client = make_client("local", replay="off", wrap=meter, max_retries=0)
    reply = client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=4, seed=1)
    stream = client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=4, seed=1,
                                            stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    bare = client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=4, seed=1, stream=True)
    list(bare)
    frame = meter.frame()
    assert list(frame["streamed"]) == [False, True, True]
    assert frame.iloc[0]["prompt"] == reply.usage.prompt_tokens
    assert frame.iloc[0]["completion"] == reply.usage.completion_tokens
    assert frame.iloc[1]["completion"] == chunks[-1].usage.completion_tokens
    assert frame.iloc[0]["cost $"] == 0 and frame.iloc[0]["model"] == model
    assert frame.iloc[2]["cost $"] == UNKNOWN  # no include_usage: no usage to count
    as_mini = meter.frame(as_model="gpt-5.4-mini").iloc[0]["cost as gpt-5.4-mini $"]
    assert as_mini == pytest.approx(price_call("gpt-5.4-mini", reply.usage.prompt_tokens,
                                               reply.usage.completion_tokens))


@pytest.mark.live
def test_run_twice_pay_once(tmp_path, model):
    meter = CostMeter()
    client = private_cache_client(tmp_path, backend="local", wrap=meter, max_retries=0)
    for _ in range(2):  # two "runs" of the same notebook cell
        reset_counters()
        client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=3, seed=2)
    assert [c.source for c in meter.calls] == ["backend", "cache"]
    frame = meter.frame(as_model="gpt-5.4-mini")
    assert frame.iloc[0]["paid $"] > 0 and frame.iloc[1]["paid $"] == 0
    assert frame.iloc[0]["prompt"] == frame.iloc[1]["prompt"]


@pytest.mark.live
def test_strict_replay_marks_recordings(model):
    make_client("local", replay="record", scope="t").chat.completions.create(
        model=model, messages=MESSAGES, max_completion_tokens=3, seed=3)
    reset_counters()
    meter = CostMeter()
    make_client("local", replay="strict", wrap=meter).chat.completions.create(
        model=model, messages=MESSAGES, max_completion_tokens=3, seed=3)
    assert meter.calls[0].source == "recording" and meter.calls[0].prompt_tokens > 0


def test_chart_title_names_the_prices_date():
    meter = CostMeter()
    sdk(meter, stub("gpt-4o-mini", {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150})
        ).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    fig = meter.chart(show=False)
    assert load_prices().retrieved in fig.axes[0].get_title()
    assert "$0.000045" in fig.axes[0].get_title()
