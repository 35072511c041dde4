"""helpers.serve: an OpenAI-compatible server on loopback, called by the SDK and by curl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from helpers.errors import ConfigError
from helpers.serve import Server, check_loopback, main

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi."}]


@pytest.fixture
def server():
    running = Server(port=0, replay="off").start()
    yield running
    running.stop()


def curl(*args: str) -> str:
    return subprocess.run(["curl", "-sS", "--max-time", "60", *args], check=True, capture_output=True, text=True).stdout


def test_sdk_through_base_url_json_and_stream(server, model):
    client = openai.OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0)
    reply = client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=4, seed=1)
    assert reply.object == "chat.completion" and reply.model == model
    assert reply.usage.completion_tokens <= 4
    chunks = list(client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=4, seed=1,
                                                 stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == reply.choices[0].message.content  # same seed, same text, streamed or not
    assert chunks[-1].usage.completion_tokens == reply.usage.completion_tokens
    assert [m.id for m in client.models.list()] == [model]


def test_sdk_sees_real_errors_without_retrying(server, model):
    client = openai.OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=3)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=model, messages=MESSAGES, temperature=3)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-nonexistent", messages=MESSAGES)


def test_curl_json_stream_and_models(server, model):
    body = {"model": model, "messages": MESSAGES, "max_completion_tokens": 4, "seed": 1}
    out = json.loads(curl(f"{server.base_url}/chat/completions", "-H", "Content-Type: application/json",
                          "-d", json.dumps(body)))
    assert out["choices"][0]["message"]["role"] == "assistant"
    stream = curl("-N", f"{server.base_url}/chat/completions", "-H", "Content-Type: application/json",
                  "-d", json.dumps(body | {"stream": True}))
    events = [line[6:] for line in stream.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    deltas = "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events[:-1])
    assert deltas == out["choices"][0]["message"]["content"]
    assert json.loads(curl(f"{server.base_url}/models"))["data"][0]["id"] == model


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
def test_refuses_non_loopback(host):
    with pytest.raises(ConfigError, match="only listens on this machine"):
        Server(port=0, host=host)
    assert main(["--host", host, "--port", "0"]) == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_accepts_loopback(host):
    assert check_loopback(host) == host


def test_strict_replay_miss_is_a_clear_error_not_retried(model):
    running = Server(port=0, replay="strict").start()
    try:
        client = openai.OpenAI(base_url=running.base_url, api_key="not-needed", max_retries=3)
        with pytest.raises(openai.InternalServerError, match="No recording"):
            client.chat.completions.create(model=model, messages=MESSAGES, max_completion_tokens=2)
    finally:
        running.stop()


def test_command_line_server_in_a_subprocess(model):
    proc = subprocess.Popen([sys.executable, "-m", "helpers.serve", "--port", "0", "--replay", "off"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {model} (replay: off) on http://127.0.0.1:")
        base_url = line.split(" on ")[1].split()[0]
        assert json.loads(curl(f"{base_url}/models"))["data"][0]["id"] == model
    finally:
        proc.terminate()
        proc.wait(timeout=10)
