"""The recording store: keys, format, atomic writes, scrubbing, corrupt files."""

from __future__ import annotations

import json
import os

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
    assert not list(tmp_path.rglob(".tmp-*"))


def test_each_scope_keeps_its_own_copy_and_reads_it_first(tmp_path):
    RecordingStore(tmp_path, scope="a").save("22" * 32, {}, [{"status": 200}])
    RecordingStore(tmp_path, scope="b").save("22" * 32, {}, [{"status": 201}])
    assert sorted(p.parent.name for p in tmp_path.rglob("*.json")) == ["a", "b"]
    assert RecordingStore(tmp_path, scope="a").load("22" * 32) == [{"status": 200}]
    assert RecordingStore(tmp_path, scope="b").load("22" * 32) == [{"status": 201}]
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
