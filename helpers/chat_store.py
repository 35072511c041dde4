"""A conversation kept in SQLite, so a chatbot resumes after a kernel restart (lesson 20).

One file holds any number of named conversations. Each message is stored as the JSON of
the dict you would send to the API (roles, tool calls and tool results included), in
order, with the usage and cost of the call that produced it when there was one. Covers
create/resume, append, read back, running totals and forgetting. A store may be used from
any thread (ipywidgets callbacks run on another one than the cell that made it) and by
several processes on one file: every write is one ``BEGIN IMMEDIATE`` transaction (the
next sequence number is read and the rows inserted under SQLite's write lock), and a
writer waits up to ``BUSY_TIMEOUT`` seconds for another one instead of failing. Leaves
out search and migrations.

Used in lessons: 20.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers.settings import chats_dir

__all__ = ["default_path", "ChatStore"]

BUSY_TIMEOUT = 30.0  # seconds a writer waits for another process's transaction


def default_path(name: str = "chat") -> Path:
    """``<name>.sqlite`` in the git-ignored ``.cache/chats`` (beside ``WORKBOOK_CACHE`` when set)."""
    return chats_dir() / f"{name}.sqlite"


SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    conversation TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost_usd REAL,
    PRIMARY KEY (conversation, seq)
);
"""


class ChatStore:
    """Messages of named conversations in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # one connection, shared by threads one at a time
        try:  # autocommit mode: the transactions below are explicit
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False,
                                       isolation_level=None)
            self._db.executescript(SCHEMA)
            self._wal()
        except sqlite3.DatabaseError as err:
            raise ValueError(f"{self.path} is not a chat store ({err}). Move it aside or pass "
                             "another path; nothing in it was changed.") from err

    def _wal(self) -> None:
        """Write-ahead logging: readers never block the writer, and with ``synchronous=NORMAL``
        a commit needs no fsync (SQLite's advice for WAL; a power cut may lose the last
        messages, never corrupt the file). Left in the default mode where WAL is refused."""
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError:
            pass

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding SQLite's write lock from the start: all or nothing."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def append(self, conversation: str, message: dict[str, Any], *, prompt_tokens: int | None = None,
               completion_tokens: int | None = None, cost_usd: float | None = None) -> None:
        """Add one message (a plain dict, as sent to the API) at the end of a conversation."""
        self.append_rows(conversation, [(message, prompt_tokens, completion_tokens, cost_usd)])

    def extend(self, conversation: str, messages: list[dict[str, Any]]) -> None:
        """Add several messages at once (all or none)."""
        self.append_rows(conversation, [(m, None, None, None) for m in messages])

    def append_rows(self, conversation: str,
                    rows: list[tuple[dict[str, Any], int | None, int | None, float | None]]) -> None:
        """Add (message, prompt_tokens, completion_tokens, cost_usd) rows in one transaction."""
        encoded = [(json.dumps(m, ensure_ascii=False, sort_keys=True), p, c, d) for m, p, c, d in rows]
        with self._writing() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM messages WHERE conversation = ?",
                             (conversation,)).fetchone()[0]
            db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)",
                                 [(conversation, seq + i, *row) for i, row in enumerate(encoded)])

    def messages(self, conversation: str) -> list[dict[str, Any]]:
        """The conversation's messages, oldest first (empty for a new name)."""
        rows = self._read("SELECT message FROM messages WHERE conversation = ? ORDER BY seq",
                          (conversation,))
        return [json.loads(text) for (text,) in rows]

    def calls(self, conversation: str) -> list[dict[str, Any]]:
        """The messages that came from a model call, with their seq, role, tokens and cost."""
        rows = self._read(
            "SELECT seq, message, prompt_tokens, completion_tokens, cost_usd FROM messages "
            "WHERE conversation = ? AND prompt_tokens IS NOT NULL ORDER BY seq", (conversation,))
        return [{"seq": seq, "role": json.loads(text)["role"], "prompt_tokens": p, "completion_tokens": c,
                 "cost_usd": d} for seq, text, p, c, d in rows]

    def totals(self, conversation: str) -> dict[str, Any]:
        """Tokens and cost over the conversation's calls; cost is None if any call's cost is unknown."""
        prompt, completion, cost, unknown = self._read(
            "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), SUM(cost_usd), "
            "SUM(CASE WHEN prompt_tokens IS NOT NULL AND cost_usd IS NULL THEN 1 ELSE 0 END) "
            "FROM messages WHERE conversation = ?", (conversation,))[0]
        return {"prompt_tokens": prompt, "completion_tokens": completion,
                "cost_usd": None if unknown else (cost or 0.0)}

    def conversations(self) -> list[str]:
        """Names of the stored conversations."""
        return [name for (name,) in self._read(
            "SELECT DISTINCT conversation FROM messages ORDER BY conversation")]

    def forget(self, conversation: str) -> int:
        """Delete a conversation; returns how many messages went."""
        with self._writing() as db:
            return db.execute("DELETE FROM messages WHERE conversation = ?", (conversation,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
