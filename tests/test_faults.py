"""Injected faults: the SDK's own retries recover from the retryable ones, and only those."""

from __future__ import annotations

import json
import time

import httpx2
import openai
import pytest

from helpers import make_client
from helpers.faults import FaultTransport

OK_BODY = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "stub",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "hi"}}],
           "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]


class Ok(httpx2.BaseTransport):
    """Underneath the faults in most tests: answers 200 at once (the model is not needed)."""

    def handle_request(self, request):
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=json.dumps(OK_BODY).encode())


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    """The SDK's exponential backoff starts at 0.5 s; shrink it so the tests stay fast."""
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 0.01)


def sdk(faults: FaultTransport, **options) -> openai.OpenAI:
    faults(Ok())
    return openai.OpenAI(api_key="test", base_url="http://stub/v1",
                         http_client=openai.DefaultHttpxClient(transport=faults), **options)


def ask(client):
    return client.chat.completions.create(model="stub", messages=MESSAGES)


@pytest.mark.parametrize("kind", ["429", "500", "503", "timeout", "connect", "drop"])
def test_sdk_retries_recover_from_retryable_faults(kind):
    faults = FaultTransport([kind, kind])
    reply = ask(sdk(faults, max_retries=2, timeout=0.05))
    assert reply.choices[0].message.content == "hi"
    assert [a.outcome for a in faults.attempts] == [f"{kind} (injected)"] * 2 + ["200"]
    assert [a.retry_count for a in faults.attempts] == [0, 1, 2]


@pytest.mark.parametrize("kind, error", [("429", openai.RateLimitError), ("500", openai.InternalServerError),
                                         ("timeout", openai.APITimeoutError), ("drop", openai.APIConnectionError),
                                         ("connect", openai.APIConnectionError)])
def test_retries_run_out_after_max_retries_plus_one_attempts(kind, error):
    faults = FaultTransport([kind] * 5)
    with pytest.raises(error):
        ask(sdk(faults, max_retries=3, timeout=0.05))
    assert faults.count == 4


@pytest.mark.parametrize("kind, error", [("401", openai.AuthenticationError), ("400", openai.BadRequestError)])
def test_client_errors_are_not_retried(kind, error):
    faults = FaultTransport([kind])
    with pytest.raises(error) as info:
        ask(sdk(faults, max_retries=5))
    assert faults.count == 1
    assert info.value.status_code == int(kind)
    assert "injected by helpers.faults" in info.value.message


def test_max_retries_zero_means_one_attempt():
    faults = FaultTransport(["503"])
    with pytest.raises(openai.InternalServerError):
        ask(sdk(faults, max_retries=0))
    assert faults.count == 1


def test_with_options_changes_retries_per_call():
    faults = FaultTransport(["429"] * 4)
    client = sdk(faults, max_retries=0)
    reply = client.with_options(max_retries=4).chat.completions.create(model="stub", messages=MESSAGES)
    assert reply.choices[0].message.content == "hi" and faults.count == 5


@pytest.mark.parametrize("wait", [0.01, 0.3])
def test_retry_after_is_honoured(monkeypatch, wait):
    # With a backoff far above both waits, the gap can only come from the header.
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 5.0)
    faults = FaultTransport(["429"], retry_after=wait)
    ask(sdk(faults, max_retries=1))
    gap = faults.attempts[1].at - faults.attempts[0].at
    assert wait <= gap < wait + 0.25


def test_timeout_waits_the_clients_read_timeout():
    faults = FaultTransport(["timeout"], timeout_cap=1.0)
    start = time.monotonic()
    ask(sdk(faults, max_retries=1, timeout=0.2))
    assert 0.2 <= time.monotonic() - start < 0.9


def test_random_faults_are_reproducible_with_a_seed():
    def outcomes(seed):
        faults = FaultTransport(rate=0.5, kinds=["429", "503"], seed=seed)
        client = sdk(faults, max_retries=10)
        for _ in range(6):
            ask(client)
        return [a.outcome for a in faults.attempts]

    first = outcomes(3)
    assert first == outcomes(3)
    assert any("injected" in o for o in first) and first.count("200") == 6
    assert outcomes(3) != outcomes(4)


def test_rate_zero_and_one():
    calm = FaultTransport(rate=0.0)
    ask(sdk(calm, max_retries=0))
    assert [a.outcome for a in calm.attempts] == ["200"]
    stormy = FaultTransport(rate=1.0, kinds=["500"])
    with pytest.raises(openai.InternalServerError):
        ask(sdk(stormy, max_retries=2))
    assert stormy.count == 3


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="Unknown fault"):
        FaultTransport(["418"])
    with pytest.raises(ValueError, match="rate"):
        FaultTransport(rate=2)


def test_reset_and_log():
    faults = FaultTransport(["429"])
    ask(sdk(faults, max_retries=1))
    assert "attempt 1  retry-count 0" in faults.log() and "-> 200" in faults.log()
    faults.reset()
    assert faults.count == 0
    with pytest.raises(openai.RateLimitError):  # the script starts again
        ask(sdk(faults, max_retries=0))


@pytest.mark.live
def test_the_real_local_answer_arrives_after_the_faults(model):
    faults = FaultTransport(["503", "timeout"])
    client = make_client("local", replay="off", wrap=faults, max_retries=2, timeout=5)
    reply = client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=2)
    assert reply.model == model and reply.usage.completion_tokens <= 2
    assert [a.outcome for a in faults.attempts] == ["503 (injected)", "timeout (injected)", "200"]
