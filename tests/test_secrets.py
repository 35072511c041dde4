"""No secret ever reaches a recording, a notebook or the repository's data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx2

import helpers.client
from helpers import make_client
from helpers.recordings import SECRET_PATTERN

ROOT = Path(__file__).resolve().parent.parent
PLANTED = "sk" + "-proj-PLANTEDfakeKEY0123456789abcdef"  # fake, assembled at run time


def echoing_backend(request: httpx2.Request) -> httpx2.Response:
    """The worst server imaginable: it echoes the Authorization header everywhere."""
    auth = request.headers["authorization"]
    body = {"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-test",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": f"you sent {auth}"}}]}
    return httpx2.Response(200, json=body, headers={"x-echo": auth, "set-cookie": f"k={auth}"})


def test_planted_key_never_reaches_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED)
    monkeypatch.setattr(helpers.client.httpx2, "HTTPTransport", lambda: httpx2.MockTransport(echoing_backend))
    client = make_client("openai", replay="record", base_url="https://gateway.test/v1", max_retries=0)
    answer = client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": f"my key is {PLANTED}"}])
    assert PLANTED in answer.choices[0].message.content  # the live answer did carry it...
    written = list(tmp_path.rglob("*.json"))
    assert written
    for path in written:  # ...but nothing on disk does, in any form
        text = path.read_text()
        assert PLANTED not in text and "PLANTEDfakeKEY" not in text
        assert "set-cookie" not in text and "x-echo" not in text
        json.loads(text)


def test_repository_data_and_notebooks_hold_no_key():
    pattern = re.compile(SECRET_PATTERN.pattern)
    offenders = []
    for folder in ("data", "notebooks"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".json", ".ipynb", ".csv", ".txt", ".md"}:
                if pattern.search(path.read_text(encoding="utf-8", errors="ignore")):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
