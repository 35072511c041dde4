"""The recording store: one readable JSON file per distinct request.

Covers the request key (a hash of method, endpoint path, query and canonical JSON body:
sorted keys, ``1.0 == 1``; never headers, host, port or SDK version), the file format,
atomic writes, scrubbing anything that looks like a key, and clear errors for corrupt
files. Files live in ``data/recordings/<scope>/<key16>.json``, where the scope is the
notebook that made them, so a notebook's recordings can be refreshed or pruned together
(two notebooks that make the same request each keep their own copy; a lookup prefers
the caller's own folder, then any folder).
Leaves out when to record or replay (``helpers.replay``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from helpers.errors import CorruptRecordingError

FORMAT = 1
# Parsed files by path, with the inode/mtime/size they were read at (a rewrite invalidates).
_PARSED: dict[Path, tuple[tuple[int, int, int], list[dict]]] = {}
REPO_ROOT = Path(__file__).resolve().parent.parent
# Response headers worth keeping; everything else (cookies, organisation, project) is dropped.
KEPT_HEADERS = {
    "content-type", "x-request-id", "openai-processing-ms", "openai-version", "retry-after",
    "retry-after-ms", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
}
SECRET_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_\-]{12,}|xr-[A-Za-z0-9_\-]{12,}|Bearer\s+[A-Za-z0-9_\-\.]{12,})")


def default_root() -> Path:
    """``WORKBOOK_RECORDINGS`` or the repository's ``data/recordings``."""
    return Path(os.environ.get("WORKBOOK_RECORDINGS") or REPO_ROOT / "data" / "recordings")


def default_cache() -> Path:
    """``WORKBOOK_CACHE`` or the git-ignored ``.cache/replay`` (auto mode's live answers)."""
    return Path(os.environ.get("WORKBOOK_CACHE") or REPO_ROOT / ".cache" / "replay")


def canonical(value: Any) -> Any:
    """JSON value with integral floats turned into ints, recursively (so 1.0 == 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def request_key(method: str, path: str, query: str, body: bytes) -> tuple[str, dict]:
    """(sha256 hex key, the request as stored) for one HTTP request."""
    try:
        parsed: Any = canonical(json.loads(body)) if body else None
    except ValueError:
        parsed = {"sha256": hashlib.sha256(body).hexdigest()}
    stored = {"method": method.upper(), "path": path, "query": query, "body": parsed}
    text = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), stored


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every known secret and anything shaped like an API key."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[REDACTED]")
    return SECRET_PATTERN.sub("[REDACTED]", text)


class RecordingStore:
    """Committed recordings under ``root`` plus an optional local cache directory."""

    def __init__(self, root: Path | None = None, cache: Path | None = None, scope: str = "misc"):
        self.root = Path(root) if root else default_root()
        self.cache = Path(cache) if cache else default_cache()
        self.scope = re.sub(r"[^A-Za-z0-9_.-]", "_", scope) or "misc"
        self._index: dict[str, Path] | None = None

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
        """The responses recorded for ``key`` (committed, or in the local cache)."""
        path = self._find(self.cache if cached else self.root, key)
        if path is None:
            return []
        try:
            info = path.stat()  # every save is a new file (atomic replace), so the inode changes too
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            hit = _PARSED.get(path)
            if hit is not None and hit[0] == stamp:  # replay reads the same files over and over
                return hit[1]
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError(f"it holds key {str(data.get('key'))[:16]}..., not {key[:16]}...")
            responses = data["responses"]
            if not isinstance(responses, list) or not all("status" in r for r in responses):
                raise ValueError("'responses' must be a list of objects with a 'status'")
            _PARSED[path] = (stamp, responses)
            return responses
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise CorruptRecordingError(
                f"The recording {path} is corrupt ({err}). Delete it and record it again "
                f"(`make record`, or WORKBOOK_REPLAY=record), or restore it with `git checkout -- {path}`."
            ) from err

    def save(self, key: str, request: dict, responses: list[dict], *, cached: bool = False,
             secrets: list[str] | None = None) -> Path:
        """Write (replace) the file for ``key`` atomically; return its path."""
        base = self.cache if cached else self.root
        path = (base if cached else base / self.scope) / f"{key[:16]}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "key": key, "request": request, "responses": responses}
        text = scrub(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n", secrets or [])
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def append(self, key: str, request: dict, item: dict, *, cached: bool = False,
               secrets: list[str] | None = None, upto: int | None = None) -> int:
        """Add one response at the end of ``key``'s list (merging with what is on disk now);
        with ``upto``, only while the list holds fewer than ``upto`` responses. Returns the
        list's length afterwards."""
        existing = list(self.load(key, cached=cached))
        if upto is not None and len(existing) >= upto:
            return len(existing)
        self.save(key, request, existing + [item], cached=cached, secrets=secrets)
        return len(existing) + 1
