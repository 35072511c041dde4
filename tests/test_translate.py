"""helpers.translate: max_completion_tokens mirrored as max_tokens for servers that predate it."""

from __future__ import annotations

import json

import httpx2
import pytest

import helpers.client
from helpers.client import make_client
from helpers.translate import MirrorMaxTokens, mirrored, needed


def chat(body, path="/v1/chat/completions"):
    return httpx2.Request("POST", f"http://127.0.0.1:8000{path}", json=body)


def test_the_limit_is_sent_under_the_old_name_only_and_the_length_header_follows():
    out = mirrored(chat({"model": "m", "messages": [], "max_completion_tokens": 8}))
    body = json.loads(out.content)
    assert body == {"model": "m", "messages": [], "max_tokens": 8}  # both at once: OpenAI-like servers say 400
    assert int(out.headers["content-length"]) == len(out.content)


@pytest.mark.parametrize("body", [{"model": "m", "max_tokens": 5, "max_completion_tokens": 8},
                                  {"model": "m"}, {"model": "m", "max_completion_tokens": None}, [1, 2]])
def test_anything_else_is_passed_on_byte_for_byte(body):
    request = chat(body)
    assert mirrored(request) is request


def test_other_endpoints_and_non_json_bodies_are_untouched():
    request = chat({"max_completion_tokens": 8}, path="/v1/embeddings")
    assert mirrored(request) is request
    raw = httpx2.Request("POST", "http://127.0.0.1:8000/v1/chat/completions", content=b"\xff not json")
    assert mirrored(raw) is raw


@pytest.mark.parametrize(("url", "expected"), [
    ("https://api.openai.com/v1", False), ("http://local.workbook/v1", False),
    ("http://127.0.0.1:8000/v1", True), ("https://openrouter.ai/api/v1", True), ("http://localhost:11434/v1", True),
])
def test_only_servers_other_than_openai_get_it(url, expected):
    assert needed(url) is expected


def test_make_client_puts_it_under_the_sdk_unless_told_not_to(monkeypatch):
    seen = []

    def handler(request):
        seen.append({k: v for k, v in json.loads(request.content).items() if k.startswith("max_")})
        return httpx2.Response(200, json={})

    monkeypatch.setattr(helpers.client.httpx2, "HTTPTransport", lambda: httpx2.MockTransport(handler))

    def send(base_url, **mirror):
        client = make_client("openai", replay="off", api_key="k", base_url=base_url, max_retries=0, **mirror)
        client.chat.completions.create(model="m", messages=[], max_completion_tokens=3)

    send("http://127.0.0.1:9/v1")
    send("http://127.0.0.1:9/v1", mirror_max_tokens=False)
    send("https://api.openai.com/v1")
    assert seen == [{"max_tokens": 3}, {"max_completion_tokens": 3}, {"max_completion_tokens": 3}]


async def _async_round_trip():
    seen = []

    async def handler(request):
        seen.append(json.loads(request.content))
        return httpx2.Response(200, json={})

    await MirrorMaxTokens(httpx2.MockTransport(handler)).handle_async_request(chat({"max_completion_tokens": 4}))
    return seen


def test_the_async_side_mirrors_too():
    import asyncio

    assert asyncio.run(_async_round_trip()) == [{"max_tokens": 4}]
