"""No secret ever reaches a recording, a notebook or the repository's data."""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx2
import openai
import pytest

import helpers.client
from helpers import make_client
from helpers.recordings import SECRET_PATTERN, scrub
from helpers.secrets import credentials, mask_url, scrub_json

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


# ---- fragments: no 8-character piece of a credential, in any encoding, anywhere ----------

FRAGMENT = 8


def key_kinds() -> dict[str, str]:
    """Fake keys of every shape, made at run time (nothing key-shaped is committed)."""
    alphabet = string.ascii_letters + string.digits
    rng = random.Random(15)
    return {
        "sk-prefixed": "sk" + "-" + "A1b2C3d4" * 6,
        "random-40": "".join(rng.choice(alphabet) for _ in range(40)),
        "hex-32": "".join(rng.choice("0123456789abcdef") for _ in range(32)),
        "base64-like": base64.b64encode(bytes(rng.randrange(256) for _ in range(30))).decode(),
    }


def echoes(secret: str) -> list[str]:
    """Every way the worst server might echo a secret, whole or in pieces."""
    raw = secret.encode()
    forms = [secret, secret[-20:], secret[:20], secret[5:25], secret[:10], secret[10:30],
             secret.upper(), secret.lower(), secret[::-1], quote(secret, safe=""), raw.hex()]
    forms += [base64.b64encode(pad + raw).decode() for pad in (b"", b"x", b"xy")]
    forms += [base64.urlsafe_b64encode(raw[3:19]).decode(), base64.b64encode(raw[7:20]).decode()]
    return forms


def leaks(text: str, secret: str) -> set[str]:
    """The fragments (>= 8 characters) of ``secret`` that ``text`` holds, in any encoding."""
    raw = secret.encode()
    windows = {secret[i:i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}
    low = text.lower()
    found = {w for w in windows if w.lower() in low or w[::-1].lower() in low}
    found |= {w for w in windows if quote(w, safe="").lower() in low}
    found |= {w for w in windows if w.encode().hex() in low}
    for shift in range(3):  # base64 of any substring: the key's encodings at all alignments
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            form = encode(raw[shift:]).decode().rstrip("=")
            found |= {form[i:i + FRAGMENT] for i in range(len(form) - FRAGMENT + 1)
                      if form[i:i + FRAGMENT] in text}
    for run in re.findall(r"[A-Za-z0-9+/_=-]{12,}", text):  # decode whatever looks like base64
        for start in range(4):
            chunk = run[start:].rstrip("=")
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    decoded = decode(chunk).decode("latin-1")
                except (ValueError, binascii.Error):
                    continue
                found |= {w for w in windows if w in decoded}
    return found


def test_repro_from_the_issue_pieces_of_the_key_are_redacted():
    k = "sk" + "-" + "A1b2C3d4" * 6
    assert leaks(scrub(k[-20:] + " " + k[:10] + " " + k[10:30], [k]), k) == set()


@pytest.mark.parametrize("kind", sorted(key_kinds()))
def test_scrub_removes_every_echo_of_every_kind_of_key(kind):
    secret = key_kinds()[kind]
    text = " | ".join(f"echo {form} end" for form in echoes(secret))
    assert leaks(text, secret)  # the test can see them...
    clean = scrub(text, [secret])
    assert leaks(clean, secret) == set()  # ...and none is left
    assert clean.startswith("echo ") and clean.endswith(" end")  # the rest of the text stays


def test_a_short_key_is_scrubbed_whole():
    assert scrub("key=Ab3xY9; again Ab3xY9.", ["Ab3xY9"]) == "key=[REDACTED]; again [REDACTED]."


def test_scrub_json_joins_stream_pieces_before_looking():
    secret = key_kinds()["random-40"]
    events = [{"choices": [{"index": 0, "delta": {"content": piece}}]}
              for piece in ["you sent "] + [secret[i:i + 5] for i in range(0, 40, 5)] + [" ok"]]
    clean = scrub_json({"events": events, secret[:12]: 1}, [secret])
    joined = "".join(e["choices"][0]["delta"]["content"] for e in clean["events"])
    assert leaks(joined, secret) == set()
    assert joined.startswith("you sent ") and joined.endswith(" ok")
    assert leaks(json.dumps(clean), secret) == set()


def test_credentials_finds_every_secret_the_client_holds():
    key, password, header, token = (key_kinds()[k] for k in sorted(key_kinds()))
    basic = base64.b64encode(b"me:" + password.encode()).decode()
    found = credentials(key, f"http://me:{quote(password, safe='')}@gw.test/v1?api-key={token}",
                        {"Authorization": f"Bearer {header}", "X-Api-Key": token,
                         "Proxy-Authorization": f"Basic {basic}", "User-Agent": "workbook"},
                        {"api-version": "2024-06-01", "key": "abcdefghij", "sig": token})
    for secret in (key, password, header, token, "abcdefghij"):
        assert secret in found
    assert "workbook" not in found and "2024-06-01" not in found
    assert credentials(None, "https://api.openai.com/v1", None, None) == []


def test_mask_url_hides_the_password_and_key_parameters():
    secret = key_kinds()["hex-32"]
    assert mask_url(f"http://user:{secret}@host:8080/v1") == "http://user:***@host:8080/v1"
    assert secret not in mask_url(f"https://gw.test/v1?api-version=1&api-key={secret}")
    assert "api-version=1" in mask_url(f"https://gw.test/v1?api-version=1&api-key={secret}")
    assert mask_url("https://api.openai.com/v1") == "https://api.openai.com/v1"


# ---- end to end: a fake OpenAI-compatible server that echoes the key everywhere ------------


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["content-length"])))
        auth = self.headers.get("authorization", "")
        key = auth.removeprefix("Bearer ")
        said = "you sent " + " ; ".join([auth, *echoes(key), self.path])
        if request["model"] == "bad-model":
            return self._send(400, {"error": {"message": f"Invalid key {auth}: {said}",
                                              "type": "invalid_request_error", "param": None,
                                              "code": "invalid_api_key"}}, auth)
        if request.get("stream"):
            return self._stream(said, auth, 16 if request["model"] == "m16" else 5)
        body = {"id": "c1", "object": "chat.completion", "created": 1, "model": request["model"],
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": said}}]}
        self._send(200, body, auth)

    def _send(self, status: int, body: dict, auth: str) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", auth)  # a header the store keeps
        self.send_header("x-echo", auth)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, said: str, auth: str, size: int) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("x-request-id", auth[-20:])
        self.end_headers()
        for i in range(0, len(said), size):
            chunk = {"id": "c2", "object": "chat.completion.chunk", "created": 1, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": said[i:i + size]},
                                  "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def echo_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def record_through_echo_server(base_url: str, secret: str) -> list[str]:
    """Record a JSON answer, two streams and an error; return the live answers."""
    client = make_client("openai", replay="record", api_key=secret, base_url=base_url,
                         max_retries=0, default_query={"api-key": secret})
    messages = [{"role": "user", "content": "echo my key"}]
    seen = [client.chat.completions.create(model="m", messages=messages).choices[0].message.content]
    for model in ("m16", "m5"):
        chunks = client.chat.completions.create(model=model, messages=messages, stream=True)
        seen.append("".join(c.choices[0].delta.content or "" for c in chunks))
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="bad-model", messages=messages)
    return seen


def stored_stream_deltas(text: str) -> list[str]:
    joined = []
    for response in json.loads(text)["responses"]:
        events = [e for e in response.get("events", []) if isinstance(e, dict)]
        if events:
            joined.append("".join(e["choices"][0]["delta"].get("content") or "" for e in events))
    return joined


def disk_leaks(folder: Path, secret: str) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found |= leaks(text, secret)
            for joined in stored_stream_deltas(text) if path.suffix == ".json" else []:
                found |= leaks(joined, secret)
    return found


@pytest.mark.parametrize("kind", sorted(key_kinds()))
def test_no_fragment_of_the_key_reaches_disk_through_an_echoing_server(kind, echo_server,
                                                                       tmp_path):
    secret = key_kinds()[kind]
    seen = record_through_echo_server(echo_server, secret)
    assert all(leaks(answer, secret) for answer in seen)  # the live answers did carry it
    written = [p for p in tmp_path.rglob("*.json")]
    assert len(written) == 4
    assert disk_leaks(tmp_path, secret) == set()
    for path in written:
        data = json.loads(path.read_text())
        assert "api-key" not in data["request"]["query"]  # a key in default_query is not kept
        assert all("x-echo" not in r["headers"] for r in data["responses"])
