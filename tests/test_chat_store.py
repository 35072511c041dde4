"""ChatStore: conversations survive a new connection (a kernel restart), in order, all or none."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from helpers.chat_store import ChatStore

TOOL_TURN = {"role": "assistant", "content": None, "tool_calls": [
    {"id": "call_1", "type": "function", "function": {"name": "clock", "arguments": "{}"}}]}


def test_a_new_connection_resumes_the_conversation(tmp_path):
    path = tmp_path / "chat.sqlite"
    store = ChatStore(path)
    store.extend("demo", [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi ✓"}])
    store.append("demo", TOOL_TURN, prompt_tokens=20, completion_tokens=5, cost_usd=0.001)
    store.close()
    again = ChatStore(path)
    assert again.messages("demo") == [{"role": "system", "content": "Be brief."},
                                      {"role": "user", "content": "Hi ✓"}, TOOL_TURN]
    assert again.conversations() == ["demo"]


def test_conversations_are_kept_apart_and_can_be_forgotten(tmp_path):
    store = ChatStore(tmp_path / "chat.sqlite")
    store.append("a", {"role": "user", "content": "1"})
    store.append("b", {"role": "user", "content": "2"})
    assert store.forget("a") == 1
    assert store.messages("a") == [] and store.messages("b") == [{"role": "user", "content": "2"}]


def test_totals_add_up_and_an_unknown_cost_is_not_zero(tmp_path):
    store = ChatStore(tmp_path / "chat.sqlite")
    store.append("c", {"role": "assistant", "content": "x"}, prompt_tokens=10, completion_tokens=2, cost_usd=0.5)
    store.append("c", {"role": "assistant", "content": "y"}, prompt_tokens=12, completion_tokens=3, cost_usd=0.25)
    assert store.totals("c") == {"prompt_tokens": 22, "completion_tokens": 5, "cost_usd": 0.75}
    store.append("c", {"role": "assistant", "content": "z"}, prompt_tokens=1, completion_tokens=1)
    assert store.totals("c")["cost_usd"] is None


def test_a_failed_batch_stores_nothing(tmp_path):
    store = ChatStore(tmp_path / "chat.sqlite")
    with pytest.raises(TypeError):
        store.extend("d", [{"role": "user", "content": "ok"}, {"role": "user", "content": object()}])
    assert store.messages("d") == []


def test_a_file_that_is_not_a_store_gets_a_clear_error_and_is_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database" * 10)
    with pytest.raises(ValueError, match="not a chat store"):
        ChatStore(path)
    assert path.read_bytes().startswith(b"these are my notes")


def test_rows_are_plain_json_readable_with_sqlite3(tmp_path):
    store = ChatStore(tmp_path / "chat.sqlite")
    store.append("e", {"role": "user", "content": "hello"})
    rows = sqlite3.connect(tmp_path / "chat.sqlite").execute("SELECT message FROM messages").fetchall()
    assert rows == [('{"content": "hello", "role": "user"}',)]


def test_the_default_path_is_in_the_cache_folder(tmp_path, monkeypatch):
    from helpers.chat_store import default_path

    assert default_path("x") == tmp_path / "chats" / "x.sqlite"  # conftest points WORKBOOK_CACHE at tmp_path/cache
    monkeypatch.delenv("WORKBOOK_CACHE")
    assert default_path("x").parts[-3:] == (".cache", "chats", "x.sqlite")


def test_calls_lists_only_messages_that_came_from_a_model_call(tmp_path):
    store = ChatStore(tmp_path / "chat.sqlite")
    store.append("g", {"role": "user", "content": "q"})
    store.append("g", {"role": "assistant", "content": "a"}, prompt_tokens=5, completion_tokens=2, cost_usd=0.0)
    assert store.calls("g") == [{"seq": 1, "role": "assistant", "prompt_tokens": 5, "completion_tokens": 2,
                                 "cost_usd": 0.0}]


def test_a_store_made_in_one_thread_works_from_another(tmp_path):
    """ipywidgets callbacks may run on another thread than the one that built the store."""
    store = ChatStore(tmp_path / "chat.sqlite")
    store.append("t", {"role": "user", "content": "first"})
    errors: list[BaseException] = []

    def turn(n: int) -> None:
        try:
            for i in range(50):
                store.append("t", {"role": "user", "content": f"{n}-{i}"})
                store.messages("t")
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=turn, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(store.messages("t")) == 101 and store.totals("t")["prompt_tokens"] == 0


def _appender(path: str, name: str, count: int) -> None:
    store = ChatStore(path)
    for i in range(count):
        if i % 2:
            store.append("shared", {"role": "user", "content": f"{name} {i}"}, prompt_tokens=1)
        else:
            store.extend("shared", [{"role": "user", "content": f"{name} {i}"}])
    store.close()


def test_two_processes_appending_to_one_store_lose_nothing_and_raise_nothing(tmp_path):
    path = str(tmp_path / "chat.sqlite")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_appender, args=(path, name, 2000)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0  # a raised IntegrityError / 'database is locked' exits 1
    contents = [m["content"] for m in ChatStore(path).messages("shared")]
    assert len(contents) == 4000 and len(set(contents)) == 4000
    for name in ("a", "b"):  # each writer's messages stay in its own order
        mine = [int(c.split()[1]) for c in contents if c.startswith(name)]
        assert mine == list(range(2000))
