"""The recording store: keys, format, atomic writes, scrubbing, corrupt files, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import CorruptRecordingError
from helpers.recordings import RecordingStore, canonical, request_key, scrub


def key_of(body: dict, path: str = "/chat/completions") -> str:
    return request_key("POST", path, "", json.dumps(body).encode())[0]


def test_key_ignores_key_order_and_integral_floats():
    a = {"model": "m", "temperature": 1.0, "messages": [{"role": "user", "content": "x"}]}
    b = {"messages": [{"content": "x", "role": "user"}], "temperature": 1, "model": "m"}
    assert key_of(a) == key_of(b)


def test_key_changes_with_any_parameter_or_path():
    base = {"model": "m", "messages": [], "temperature": 0.7}
    assert key_of(base) != key_of(base | {"temperature": 0.71})
    assert key_of(base) != key_of(base | {"seed": 1})
    assert key_of(base) != key_of(base, path="/completions")


def test_canonical_keeps_non_integral_floats_and_bools():
    assert canonical({"a": [1.0, 1.5, True]}) == {"a": [1, 1.5, True]}


def test_save_and_load_round_trip(tmp_path):
    store = RecordingStore(tmp_path / "rec", tmp_path / "cache", scope="01_setup")
    responses = [{"status": 200, "headers": {}, "body": {"n": 1}}, {"status": 429, "headers": {}, "body": None}]
    path = store.save("ab" * 32, {"method": "POST"}, responses)
    assert path.parent.name == "01_setup" and path.name == "abababababababab.json"
    assert store.load("ab" * 32) == responses
    assert RecordingStore(tmp_path / "rec", scope="other").load("ab" * 32) == responses  # found by key
    assert store.load("cd" * 32) == []


def test_files_are_readable_json_with_the_request(tmp_path):
    store = RecordingStore(tmp_path, scope="s")
    path = store.save("ef" * 32, {"method": "POST", "body": {"model": "m"}}, [{"status": 200, "body": {}}])
    text = path.read_text()
    assert "\n" in text and json.loads(text)["request"]["body"] == {"model": "m"}


def test_write_is_atomic_no_temp_files_left(tmp_path, monkeypatch):
    store = RecordingStore(tmp_path, scope="s")
    store.save("01" * 32, {}, [{"status": 200, "body": {"v": 1}}])

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save("01" * 32, {}, [{"status": 200, "body": {"v": 2}}])
    monkeypatch.undo()
    assert store.load("01" * 32)[0]["body"] == {"v": 1}  # the old file is intact
    assert not list(tmp_path.rglob(".tmp-*.json"))


def test_each_scope_keeps_its_own_copy_and_reads_it_first(tmp_path):
    RecordingStore(tmp_path, scope="a").save("22" * 32, {}, [{"status": 200, "body": None}])
    RecordingStore(tmp_path, scope="b").save("22" * 32, {}, [{"status": 201, "body": None}])
    assert sorted(p.parent.name for p in tmp_path.rglob("*.json")) == ["a", "b"]
    assert RecordingStore(tmp_path, scope="a").load("22" * 32) == [{"status": 200, "body": None}]
    assert RecordingStore(tmp_path, scope="b").load("22" * 32) == [{"status": 201, "body": None}]
    assert RecordingStore(tmp_path, scope="c").load("22" * 32)  # anyone else finds one of them


@pytest.mark.parametrize("content", ["{not json", '{"key": "wrong", "responses": []}', '{"key": "KEY"}',
                                     '{"key": "KEY", "responses": [{"no": "status"}]}'])
def test_corrupt_file_names_the_file_and_the_fix(tmp_path, content):
    key = "33" * 32
    folder = tmp_path / "s"
    folder.mkdir()
    path = folder / f"{key[:16]}.json"
    path.write_text(content.replace("KEY", key))
    with pytest.raises(CorruptRecordingError) as info:
        RecordingStore(tmp_path).load(key)
    message = str(info.value)
    assert str(path) in message and "make record" in message and "git checkout" in message


def test_scrub_removes_known_and_key_shaped_secrets():
    # fake secrets, assembled at run time so the source holds nothing key-shaped
    text = "auth " + "sk" + "-proj-ABCDEFGHIJKLMNOP and mysecretvalue123 and \"" + "Bear" + "er abcdefghijklmnop\""
    clean = scrub(text, ["mysecretvalue123"])
    assert "ABCDEFGHIJKLMNOP" not in clean and "mysecretvalue123" not in clean
    assert "abcdefghijklmnop" not in clean and clean.count("[REDACTED]") == 3



# ---- shape checks on load: every corruption is a CorruptRecordingError -------------------

KEY = "44" * 32
CHAT = {"method": "POST", "path": "/chat/completions", "query": "", "body": {"model": "m"}}
ANSWER = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [
    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}]}
GOOD = {"status": 200, "headers": {"content-type": "application/json"}, "body": ANSWER}


def recording(*responses: dict, **fields) -> str:
    data = {"format": 1, "key": KEY, "request": CHAT, "responses": list(responses)} | fields
    return json.dumps(data)


def deep(levels: int) -> str:
    return recording(GOOD | {"body": ANSWER | {"extra": "X"}}).replace('"X"', "[" * levels + "]" * levels)


CORRUPTIONS = {
    "not json": "{not json",
    "empty file": "",
    "not utf-8": b"\xff\xfe{}".decode("latin-1"),
    "a list": "[1, 2]",
    "a string": '"hello"',
    "null": "null",
    "wrong key": recording(GOOD, key="55" * 32),
    "no key": recording(GOOD, key=None),
    "unknown format": recording(GOOD, format=2),
    "no responses": json.dumps({"format": 1, "key": KEY, "request": CHAT}),
    "responses empty": recording(),
    "responses an object": recording(GOOD, responses={"0": GOOD}),
    "response a string": recording("200 OK"),
    "response without status": recording({"headers": {}, "body": ANSWER}),
    "status a string": recording(GOOD | {"status": "200"}),
    "status true": recording(GOOD | {"status": True}),
    "status 999": recording(GOOD | {"status": 999}),
    "status 42": recording(GOOD | {"status": 42}),
    "status a float": recording(GOOD | {"status": 200.5}),
    "headers a list": recording(GOOD | {"headers": [["content-type", "application/json"]]}),
    "header value a number": recording(GOOD | {"headers": {"retry-after": 5}}),
    "no body, events or text": recording({"status": 200, "headers": {}}),
    "body and events": recording(GOOD | {"events": []}),
    "body a string": recording(GOOD | {"body": json.dumps(ANSWER)}),
    "body a list": recording(GOOD | {"body": [ANSWER]}),
    "chat body without choices": recording(GOOD | {"body": {"id": "c", "object": "chat.completion"}}),
    "chat body with empty choices": recording(GOOD | {"body": ANSWER | {"choices": []}}),
    "choice without message": recording(GOOD | {"body": ANSWER | {"choices": [{"index": 0}]}}),
    "chat 200 as null body": recording(GOOD | {"body": None}),
    "chat 200 as text": recording({"status": 200, "headers": {}, "text": "hello"}),
    "events a number": recording({"status": 200, "headers": {}, "events": 5}),
    "events empty": recording({"status": 200, "headers": {}, "events": []}),
    "event a number": recording({"status": 200, "headers": {}, "events": [5, "[DONE]"]}),
    "events without choices": recording({"status": 200, "headers": {}, "events": [{"id": "c"}]}),
    "text a number": recording({"status": 500, "headers": {}, "text": 5}),
    "request a list": recording(GOOD, request=["POST"]),
    "request path a number": recording(GOOD, request=CHAT | {"path": 5}),
    "nested 300 deep": deep(300),
    "nested 100k deep": deep(100_000),
}


def test_there_are_at_least_25_kinds_of_corruption():
    assert len(CORRUPTIONS) >= 25


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_every_corruption_is_a_clear_error_naming_the_file_and_the_fix(tmp_path, kind):
    folder = tmp_path / "s"
    folder.mkdir()
    path = folder / f"{KEY[:16]}.json"
    path.write_text(CORRUPTIONS[kind], encoding="latin-1" if kind == "not utf-8" else "utf-8")
    store = RecordingStore(tmp_path, scope="s")
    for _ in range(2):  # checked once, but a corrupt file stays an error on every load
        with pytest.raises(CorruptRecordingError) as info:
            store.load(KEY)
        message = str(info.value)
        assert str(path) in message and "make record" in message and "git checkout" in message


def test_good_shapes_load_errors_streams_and_other_endpoints(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    path = folder / f"{KEY[:16]}.json"
    error = {"status": 429, "headers": {"retry-after": "1"}, "body": {"error": {"message": "slow"}}}
    stream = {"status": 200, "headers": {}, "events": [
        {"choices": [{"index": 0, "delta": {"content": "hi"}}]}, {"choices": []}, "[DONE]"]}
    path.write_text(recording(GOOD, error, stream, {"status": 502, "headers": {}, "text": "bad"}))
    assert len(RecordingStore(tmp_path, scope="s").load(KEY)) == 4
    models = {"format": 1, "key": "66" * 32, "request": {"method": "GET", "path": "/models"},
              "responses": [{"status": 200, "headers": {}, "body": {"object": "list", "data": []}}]}
    (folder / f"{'66' * 8}.json").write_text(json.dumps(models))
    assert RecordingStore(tmp_path, scope="s").load("66" * 32)[0]["status"] == 200


def test_every_committed_recording_passes_the_checks():
    store = RecordingStore(Path(__file__).resolve().parent.parent / "data" / "recordings")
    paths = sorted(store.root.glob("*/*.json"))
    assert paths
    for path in paths:
        key = json.loads(path.read_text())["key"]
        assert RecordingStore(store.root, scope=path.parent.name).load(key)


# ---- what a file keeps: an allow-list, no credential in the query -------------------------


def test_only_the_allow_listed_fields_and_headers_are_kept(tmp_path):
    store = RecordingStore(tmp_path, scope="s")
    request = CHAT | {"headers": {"authorization": "Bearer x"}, "url": "http://u:p@h/v1"}
    response = GOOD | {"headers": {"Content-Type": "application/json", "Set-Cookie": "a=b",
                                   "OpenAI-Organization": "org-x"}, "extensions": {"x": 1}}
    data = json.loads(store.save(KEY, request, [response]).read_text())
    assert set(data["request"]) == {"method", "path", "query", "body"}
    assert data["responses"] == [{"status": 200, "headers": {"content-type": "application/json"},
                                  "body": ANSWER}]


def test_a_credential_in_the_query_is_neither_kept_nor_part_of_the_key():
    secret = "q" * 24
    one, stored = request_key("GET", "/models", f"api-version=1&api-key={secret}", b"")
    two, _ = request_key("GET", "/models", "api-version=1&api-key=another-key-value", b"")
    assert one == two and stored["query"] == "api-version=1" and secret not in json.dumps(stored)
    assert request_key("GET", "/models", "a=1&b=2", b"")[1]["query"] == "a=1&b=2"  # others stay


def test_every_string_is_scrubbed_including_kept_headers_and_stream_pieces(tmp_path):
    secret = "Zq8" + "xW2vLp9RtY4kM7nB3cD5"
    pieces = [secret[i:i + 4] for i in range(0, len(secret), 4)]
    stream = {"status": 200, "headers": {"x-request-id": secret[-12:]}, "events": [
        {"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces] + ["[DONE]"]}
    text = RecordingStore(tmp_path, scope="s").save(KEY, CHAT, [stream], secrets=[secret]).read_text()
    data = json.loads(text)
    joined = "".join(e["choices"][0]["delta"]["content"] for e in data["responses"][0]["events"][:-1])
    assert secret[:8] not in joined and secret[-8:] not in joined and secret[-12:] not in text


# ---- files: mode 0644, temp files of killed writers cleaned ------------------------------


def test_saved_files_are_0644_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        path = RecordingStore(tmp_path, scope="s").save(KEY, CHAT, [GOOD])
        cached = RecordingStore(tmp_path, tmp_path / "cache").append(KEY, CHAT, GOOD, cached=True)
    finally:
        os.umask(old)
    assert cached == 1
    assert path.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "cache" / path.name).stat().st_mode & 0o777 == 0o644


def test_temp_files_of_killed_writers_are_cleaned_on_the_next_save(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    old = folder / ".tmp-oldstyle1.json"  # no pid in the name: cleaned by age
    by_dead = folder / f".tmp-{dead}-abcd1234.json"
    fresh = folder / f".tmp-{os.getppid()}-live5678.json"  # a live writer, just started
    for path in (old, by_dead, fresh):
        path.write_text("{partial")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    RecordingStore(tmp_path, scope="s").save(KEY, CHAT, [GOOD])
    assert not old.exists() and not by_dead.exists() and fresh.exists()


def test_gitignore_ignores_temp_files_in_the_recordings():
    root = Path(__file__).resolve().parent.parent
    probe = "data/recordings/01_setup_and_first_call/.tmp-123-abcdefgh.json"
    done = subprocess.run(["git", "check-ignore", "-q", probe], cwd=root)
    assert done.returncode == 0


# ---- concurrent recorders lose nothing ---------------------------------------------------


def _recorder(root: str, worker: int, calls: int, shared: bool) -> None:
    store = RecordingStore(Path(root), scope="race")
    for call in range(calls):
        key = f"{call:02d}" * 32 if shared else f"{worker:02d}{call:02d}" * 16
        answer = ANSWER | {"id": f"w{worker}-c{call}"}
        store.append(key, CHAT, GOOD | {"body": answer})


def test_eight_processes_appending_lose_no_answer(tmp_path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_recorder, args=(str(tmp_path), w, 20, w < 4))
               for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    ids = []
    for path in (tmp_path / "race").glob("*.json"):
        data = json.loads(path.read_text())
        ids += [r["body"]["id"] for r in RecordingStore(tmp_path, scope="race").load(data["key"])]
    assert len(ids) == 160 and len(set(ids)) == 160
    assert not list((tmp_path / "race").glob(".tmp-*.json"))


def test_append_with_upto_stops_at_the_limit(tmp_path):
    store = RecordingStore(tmp_path, tmp_path / "cache")
    assert [store.append(KEY, CHAT, GOOD, cached=True, upto=2) for _ in range(3)] == [1, 2, 2]


def _live_recorder(root: str, worker: int, calls: int, shared: bool) -> None:
    os.environ["WORKBOOK_RECORDINGS"] = root
    from helpers import make_client
    from helpers.settings import LOCAL_MODEL_ID

    client = make_client("local", replay="record", scope="race", max_retries=0)
    for call in range(calls):
        who = "all" if shared else f"worker {worker}"
        client.chat.completions.create(model=LOCAL_MODEL_ID, max_completion_tokens=1, seed=call,
                                       messages=[{"role": "user", "content": f"{who}, call {call}"}])


@pytest.mark.live
def test_concurrent_recorders_through_the_real_replay_path_lose_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: its own model
    workers = [context.Process(target=_live_recorder, args=(str(tmp_path), w, 6, w < 2))
               for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    counts = [len(json.loads(p.read_text())["responses"]) for p in (tmp_path / "race").glob("*.json")]
    assert sum(counts) == 24 and len(counts) == 6 + 6 + 6  # shared requests hold 2 answers each
    assert sorted(counts).count(2) == 6
