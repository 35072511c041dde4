"""helpers.local.serve: an OpenAI-compatible server on loopback, called by the SDK and by curl."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import openai
import pytest

from helpers import make_client
from helpers.errors import ConfigError
from helpers.local import serve
from helpers.local.serve import Server, check_loopback, main
from helpers.replay import reset_counters

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi."}]


@pytest.fixture
def server():
    running = Server(port=0, replay="off").start()
    yield running
    running.stop()


def curl(*args: str) -> str:
    return subprocess.run(["curl", "-sS", "--max-time", "60", *args], check=True, capture_output=True, text=True).stdout


@pytest.mark.live
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


@pytest.mark.live
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
    proc = subprocess.Popen([sys.executable, "-m", "helpers.local.serve", "--port", "0", "--replay", "off"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {model} (replay: off) on http://127.0.0.1:")
        base_url = line.split(" on ")[1].split()[0]
        assert json.loads(curl(f"{base_url}/models"))["data"][0]["id"] == model
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---- limits and checks, against a fake backend (no model): fast and deterministic --------

ANSWER = {"id": "c1", "object": "chat.completion", "created": 1, "model": "fake", "choices": [
    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}]}
CHUNK = b'data: {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "fake", ' \
        b'"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": null}]}\n\n'


class SlowBackend(httpx2.BaseTransport):
    """Counts the chat requests it handles and the stream chunks it generates."""

    def __init__(self, delay: float = 0.3, chunks: int = 100):
        self.delay, self.total, self.requests, self.chunks = delay, chunks, 0, 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            return httpx2.Response(200, json={"object": "list", "data": []})
        self.requests += 1
        if json.loads(request.read() or b"{}").get("stream"):
            return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                                   content=self._events())
        time.sleep(self.delay)
        return httpx2.Response(200, json=ANSWER)

    def _events(self):
        for _ in range(self.total):
            time.sleep(0.02)
            self.chunks += 1
            yield CHUNK
        yield b"data: [DONE]\n\n"


@pytest.fixture
def fake(monkeypatch):
    backend = SlowBackend()
    monkeypatch.setattr(serve, "build_transport", lambda *args, **kwargs: backend)
    running = Server(port=0, replay="off").start()
    yield running, backend
    running.stop()


def chat_body(**extra) -> bytes:
    return json.dumps({"model": "fake", "messages": MESSAGES} | extra).encode()


def raw_request(base_url: str, body: bytes, headers: str = "") -> socket.socket:
    host, port = base_url.split("//")[1].split("/")[0].rsplit(":", 1)
    sock = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
    head = (f"POST /v1/chat/completions HTTP/1.0\r\nHost: {host}:{port}\r\n{headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    sock.sendall(head.encode() + body)
    return sock


def test_ipv6_loopback_serves(monkeypatch):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        pytest.skip("no ::1 on this machine")
    monkeypatch.setattr(serve, "build_transport", lambda *args, **kwargs: SlowBackend())
    running = Server(port=0, host="::1", replay="off").start()
    try:
        assert running.base_url.startswith("http://[::1]:")
        assert httpx2.get(f"{running.base_url}/models", timeout=10).status_code == 200
    finally:
        running.stop()


def test_a_body_over_the_limit_gets_413_quickly_and_is_not_cached(tmp_path):
    running = Server(port=0, replay="auto").start()
    try:
        big = b'{"model": "m", "messages": [], "pad": "' + b"x" * (20 * 1024 * 1024) + b'"}'
        started = time.monotonic()
        response = httpx2.post(f"{running.base_url}/chat/completions", content=big, timeout=60,
                               headers={"content-type": "application/json"})
        elapsed = time.monotonic() - started
    finally:
        running.stop()
    assert response.status_code == 413 and elapsed < 10
    assert response.json()["error"]["code"] == "request_too_large"
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing cached or recorded


def test_a_foreign_host_or_origin_gets_403_and_no_work(fake):
    running, backend = fake
    url = f"{running.base_url}/chat/completions"
    evil = httpx2.post(url, content=chat_body(), timeout=10,
                       headers={"content-type": "text/plain", "origin": "http://evil.example"})
    rebound = httpx2.post(url, content=chat_body(), timeout=10,
                          headers={"host": "evil.example:" + url.split(":")[2].split("/")[0]})
    assert (evil.status_code, rebound.status_code) == (403, 403)
    assert evil.json()["error"]["code"] == "origin_not_allowed"
    assert backend.requests == 0
    own = running.base_url.rsplit("/v1", 1)[0]
    mine = httpx2.post(url, content=chat_body(), headers={"origin": own}, timeout=10)
    assert mine.status_code == 200


def test_waiting_requests_are_capped_with_openais_429(monkeypatch):
    backend = SlowBackend(delay=1.0)
    monkeypatch.setattr(serve, "build_transport", lambda *args, **kwargs: backend)
    running = Server(port=0, replay="off", max_waiting=2).start()
    answers: list[httpx2.Response] = []
    clients = 8
    ready = threading.Barrier(clients)

    def call(http: httpx2.Client) -> None:
        ready.wait(timeout=30)
        answers.append(http.post(f"{running.base_url}/chat/completions", content=chat_body()))

    with httpx2.Client(timeout=60) as http:
        threads = [threading.Thread(target=call, args=(http,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    running.stop()
    limited = [r for r in answers if r.status_code == 429]
    assert len(answers) == clients  # some may arrive after the first left (a busy machine)
    assert sorted({r.status_code for r in answers}) == [200, 429] and len(limited) >= 3
    assert limited[0].json()["error"]["code"] == "rate_limit_exceeded"
    assert limited[0].headers["retry-after"] == "1"


def test_a_client_that_hung_up_while_waiting_costs_no_generation(fake):
    running, backend = fake
    backend.delay = 1.0
    first = threading.Thread(target=httpx2.post, args=(f"{running.base_url}/chat/completions",),
                             kwargs={"content": chat_body(), "timeout": 30})
    first.start()
    deadline = time.monotonic() + 10
    while backend.requests == 0 and time.monotonic() < deadline:  # the first is generating
        time.sleep(0.01)
    quitter = raw_request(running.base_url, chat_body())  # waits behind the first...
    time.sleep(0.2)
    quitter.close()  # ...and gives up
    first.join(timeout=30)
    time.sleep(0.3)
    assert backend.requests == 1


def test_a_stream_stops_generating_when_its_client_leaves(fake):
    running, backend = fake
    sock = raw_request(running.base_url, chat_body(stream=True))
    assert b"200" in sock.recv(200)
    sock.close()
    time.sleep(0.5)
    seen = backend.chunks
    time.sleep(0.5)
    assert backend.chunks == seen < backend.total


def test_idle_connections_are_closed_and_connections_are_capped(monkeypatch):
    monkeypatch.setattr(serve, "build_transport", lambda *args, **kwargs: SlowBackend())
    running = Server(port=0, replay="off", idle_timeout=0.5, max_connections=2).start()
    try:
        port = int(running.base_url.split(":")[2].split("/")[0])
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
        time.sleep(0.2)
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        assert extra.recv(100).startswith(b"HTTP/1.0 503")
        started = time.monotonic()
        assert [s.recv(100) for s in idle] == [b"", b""]  # closed by the server
        assert time.monotonic() - started < 3
        assert httpx2.get(f"{running.base_url}/models", timeout=10).status_code == 200  # slots free
    finally:
        running.stop()


@pytest.mark.live
def test_strict_replay_server_answers_byte_identically_to_the_in_process_client(model):
    recorder = make_client("local", replay="record", scope="17_any_endpoint", max_retries=0)
    params = {"model": model, "messages": MESSAGES, "max_completion_tokens": 3, "seed": 7}
    recorder.chat.completions.create(**params)
    list(recorder.chat.completions.create(**params, stream=True))
    reset_counters()
    in_process = make_client("local", replay="strict", max_retries=0)
    running = Server(port=0, replay="strict", scope="17_any_endpoint").start()
    try:
        served = openai.OpenAI(base_url=running.base_url, api_key="not-needed", max_retries=0)
        for client in (in_process, served):
            with client.chat.completions.with_streaming_response.create(**params) as answer:
                body = answer.read()
            with client.chat.completions.with_streaming_response.create(**params, stream=True) as s:
                events = b"".join(s.iter_bytes())
            if client is in_process:
                expected = (body, events)
        assert (body, events) == expected
        assert json.loads(body)["choices"][0]["message"]["role"] == "assistant"
        assert events.rstrip().endswith(b"data: [DONE]")
    finally:
        running.stop()
