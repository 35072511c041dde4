"""The recording store: one readable JSON file per distinct request.

Covers the request key (a hash of method, endpoint path, query and canonical JSON body:
sorted keys, ``1.0 == 1``; never headers, host, port, SDK version or a credential passed
as a query parameter), the file format, what a file keeps (an allow-list: the request's
method, path, query and body; each response's status, a few headers and its JSON body,
SSE events or text, every string scrubbed of every fragment of the client's credentials
by ``helpers.secrets``), shape checks when a file is loaded (``CorruptRecordingError``
naming the file and the fix), and writes that are atomic, mode 0644 and safe across
processes (``append`` merges under a lock file; temp files a killed writer left are
removed). Files live in ``data/recordings/<scope>/<key16>.json``, where the scope is the
notebook that made them, so a notebook's recordings can be refreshed or pruned together
(two notebooks that make the same request each keep their own copy; a lookup prefers
the caller's own folder, then any folder).
Leaves out when to record or replay (``helpers.replay``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from helpers.errors import CorruptRecordingError
from helpers.secrets import SECRET_PATTERN, scrub, scrub_json, secret_name
from helpers.settings import recordings_dir, replay_cache_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: one process at a time
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "RecordingStore", "request_key", "canonical", "clean_query", "scrub", "SECRET_PATTERN", "KEPT_HEADERS",
]

FORMAT = 1
# Parsed files by path, with the inode/mtime/size they were read at (a rewrite invalidates).
_PARSED: dict[Path, tuple[tuple[int, int, int], list[dict]]] = {}
# Response headers worth keeping; everything else (cookies, organisation, project) is dropped.
KEPT_HEADERS = {
    "content-type", "x-request-id", "openai-processing-ms", "openai-version", "retry-after",
    "retry-after-ms", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
}
REQUEST_FIELDS = ("method", "path", "query", "body")  # all a recording keeps of a request
RESPONSE_FIELDS = ("status", "headers", "body", "events", "text")  # ... and of a response
PAYLOADS = ("body", "events", "text")
MAX_DEPTH = 200  # deeper JSON is not an API answer
FILE_MODE = 0o644  # committed recordings are readable by all, whatever the umask
STALE_SECONDS = 60  # a temp file this old, or whose writer is dead, is a killed write
LOCK_NAME = ".tmp-lock"  # one per folder; git-ignored with the temp files (.tmp-*)
_TEMP = re.compile(r"\.tmp-(?:(\d+)-)?[^/]*\.json$")
_THREAD_LOCK = threading.Lock()  # where there is no fcntl


def canonical(value: Any) -> Any:
    """JSON value with integral floats turned into ints, recursively (so 1.0 == 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def clean_query(query: str) -> str:
    """``query`` without the parameters that carry a credential (``api-key=...``, ``sig=...``)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(secret_name(name) for name, _ in pairs):
        return query
    return urlencode([(name, value) for name, value in pairs if not secret_name(name)])


def request_key(method: str, path: str, query: str, body: bytes) -> tuple[str, dict]:
    """(sha256 hex key, the request as stored) for one HTTP request."""
    try:
        parsed: Any = canonical(json.loads(body)) if body else None
    except ValueError:
        parsed = {"sha256": hashlib.sha256(body).hexdigest()}
    stored = {"method": method.upper(), "path": path, "query": clean_query(query), "body": parsed}
    text = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), stored


def _stored_form(key: str, request: dict, responses: list[dict],
                 secrets: list[str] | None = None) -> dict:
    """What a file holds: the allow-listed fields only, every string scrubbed."""
    kept_request = {k: request[k] for k in REQUEST_FIELDS if k in request}
    if isinstance(kept_request.get("query"), str):
        kept_request["query"] = clean_query(kept_request["query"])
    kept = []
    for response in responses:
        item = {k: response[k] for k in RESPONSE_FIELDS if k in response}
        if isinstance(item.get("headers"), dict):
            item["headers"] = {str(k).lower(): v for k, v in item["headers"].items()
                               if str(k).lower() in KEPT_HEADERS}
        kept.append(item)
    data = {"format": FORMAT, "key": key, "request": kept_request, "responses": kept}
    return scrub_json(data, secrets or [])


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: a hostile file cannot blow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack += [(child, level + 1) for child in
                          (node.values() if isinstance(node, dict) else node)]
    return deepest


def _check_response(item: Any, chat: bool) -> None:
    """Raise ValueError saying what is wrong with one stored response."""
    if not isinstance(item, dict):
        raise ValueError(f"it is a JSON {type(item).__name__}, not an object")
    status = item.get("status")
    if isinstance(status, bool) or not isinstance(status, int):
        raise ValueError(f"'status' is {status!r}, not an HTTP status number")
    if not 100 <= status <= 599:
        raise ValueError(f"'status' {status} is not an HTTP status (100-599)")
    headers = item.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ValueError("'headers' must be an object of strings")
    present = [name for name in PAYLOADS if name in item]
    if len(present) != 1:
        raise ValueError(f"it must hold exactly one of 'body', 'events' or 'text', not {present}")
    payload = item[present[0]]
    if present == ["body"] and payload is not None and not isinstance(payload, dict):
        raise ValueError(f"'body' is a JSON {type(payload).__name__}, not an object")
    if present == ["events"] and (not isinstance(payload, list)
                                  or not all(isinstance(e, dict | str) for e in payload)):
        raise ValueError("'events' must be a list of objects or strings")
    if present == ["text"] and not isinstance(payload, str):
        raise ValueError("'text' must be a string")
    if chat and status == 200:
        _check_chat_answer(present[0], payload)


def _check_chat_answer(kind: str, payload: Any) -> None:
    """A 200 chat completion has choices (or, streamed, events that carry them)."""
    if kind == "text":
        raise ValueError("a chat completion (status 200) must have a JSON 'body' or 'events'")
    if kind == "body":
        choices = (payload or {}).get("choices")
        if not isinstance(choices, list) or not choices or not all(
                isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices):
            raise ValueError("the chat completion's 'body' has no 'choices' with a 'message'")
        return
    objects = [e for e in payload if isinstance(e, dict)]
    if not objects or not all(isinstance(e.get("choices"), list) or isinstance(e.get("error"), dict)
                              for e in objects):
        raise ValueError("the chat completion's 'events' are not chunks with 'choices'")


def _check_recording(data: Any, key: str) -> list[dict]:
    """The responses of a parsed recording file; ValueError saying what is wrong if any."""
    if not isinstance(data, dict):
        raise ValueError(f"it holds a JSON {type(data).__name__}, not an object")
    if data.get("format") != FORMAT:
        raise ValueError(f"it has format {data.get('format')!r}; this workbook reads format {FORMAT}")
    if data.get("key") != key:
        raise ValueError(f"it holds key {str(data.get('key'))[:16]}..., not {key[:16]}...")
    if _depth(data) > MAX_DEPTH:
        raise ValueError(f"it nests deeper than {MAX_DEPTH} levels")
    request = data.get("request", {})
    if not isinstance(request, dict) or not all(
            isinstance(request[f], str) for f in ("method", "path", "query") if f in request):
        raise ValueError("'request' must be an object whose method, path and query are strings")
    responses = data.get("responses")
    if not isinstance(responses, list):
        raise ValueError("'responses' must be a list")
    if not responses:
        raise ValueError("'responses' is empty; a recording holds at least one answer")
    chat = request.get("method") == "POST" and str(request.get("path", "")).endswith(
        "/chat/completions")
    for number, item in enumerate(responses):
        try:
            _check_response(item, chat)
        except ValueError as err:
            raise ValueError(f"response {number}: {err}") from None
    return responses


def _corrupt(path: Path, err: BaseException) -> CorruptRecordingError:
    reason = "JSON nested too deeply" if isinstance(err, RecursionError) else str(err)
    return CorruptRecordingError(
        f"The recording {path} is corrupt ({reason}). Delete it and record it again "
        f"(`make record`, or WORKBOOK_REPLAY=record), or restore it with `git checkout -- {path}`.")


def _read(path: Path, key: str) -> list[dict]:
    """Parse and check one file (no cache); CorruptRecordingError if it is not a recording."""
    try:
        return _check_recording(json.loads(path.read_text(encoding="utf-8")), key)
    except (OSError, ValueError, RecursionError) as err:
        raise _corrupt(path, err) from err


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock file (exclusive across processes and threads)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        with _THREAD_LOCK:
            yield
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # each open() is its own lock, so threads wait too
        yield
    finally:
        os.close(fd)  # releases the lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_stale(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the temp files of killed writers in ``folder``; return what went."""
    now = time.time() if now is None else now
    gone = []
    for tmp in folder.glob(".tmp-*.json"):
        match = _TEMP.match(tmp.name)
        pid = int(match.group(1)) if match and match.group(1) else None
        try:
            age = now - tmp.stat().st_mtime
        except OSError:
            continue
        dead = pid is not None and pid != os.getpid() and not _alive(pid)
        if age > STALE_SECONDS or dead:
            tmp.unlink(missing_ok=True)
            gone.append(tmp)
    return gone


def _write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, mode 0644 (call with the folder locked)."""
    _clean_stale(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{os.getpid()}-", suffix=".json")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RecordingStore:
    """Committed recordings under ``root`` plus an optional local cache directory."""

    def __init__(self, root: Path | None = None, cache: Path | None = None, scope: str = "misc"):
        self.root = Path(root) if root else recordings_dir()
        self.cache = Path(cache) if cache else replay_cache_dir()
        self.scope = re.sub(r"[^A-Za-z0-9_.-]", "_", scope) or "misc"
        self._index: dict[str, Path] | None = None

    def path_for(self, key: str, *, cached: bool = False) -> Path:
        """Where this store writes ``key``: the cache, or the scope's own folder."""
        return (self.cache if cached else self.root / self.scope) / f"{key[:16]}.json"

    def _find(self, base: Path, key: str) -> Path | None:
        name = f"{key[:16]}.json"
        if base != self.root:
            hit = base / name
            return hit if hit.is_file() else None
        own = base / self.scope / name
        if own.is_file():  # a notebook's own copy first: each notebook's folder is self-contained
            return own
        if self._index is None or name not in self._index:
            self._index = {p.name: p for p in sorted(base.glob("*/*.json"))}
        found = self._index.get(name)
        return found if found is not None and found.is_file() else None

    def load(self, key: str, *, cached: bool = False) -> list[dict]:
        """The responses recorded for ``key`` (committed, or in the local cache), checked
        once per version of the file: CorruptRecordingError names a bad file and the fix."""
        path = self._find(self.cache if cached else self.root, key)
        if path is None:
            return []
        try:
            info = path.stat()  # every save is a new file (atomic replace), so the inode changes too
        except OSError as err:
            raise _corrupt(path, err) from err
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        hit = _PARSED.get(path)
        if hit is not None and hit[0] == stamp:  # replay reads the same files over and over
            return hit[1]
        responses = _read(path, key)
        _PARSED[path] = (stamp, responses)
        return responses

    def save(self, key: str, request: dict, responses: list[dict], *, cached: bool = False,
             secrets: list[str] | None = None) -> Path:
        """Write (replace) the file for ``key`` atomically; return its path."""
        path = self.path_for(key, cached=cached)
        text = self._text(key, request, responses, secrets)
        with _locked(path.parent):
            _write(path, text)
        return path

    def append(self, key: str, request: dict, item: dict, *, cached: bool = False,
               secrets: list[str] | None = None, upto: int | None = None) -> int:
        """Add one response at the end of ``key``'s list (merging, under the folder's lock,
        with what is on disk now, so concurrent recorders lose nothing); with ``upto``, only
        while the list holds fewer than ``upto`` responses. Returns the list's length afterwards."""
        path = self.path_for(key, cached=cached)
        with _locked(path.parent):
            existing = _read(path, key) if path.exists() else []
            if upto is not None and len(existing) >= upto:
                return len(existing)
            _write(path, self._text(key, request, existing + [item], secrets))
        return len(existing) + 1

    @staticmethod
    def _text(key: str, request: dict, responses: list[dict], secrets: list[str] | None) -> str:
        data = _stored_form(key, request, responses, secrets)
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
