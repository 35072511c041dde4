"""Credentials a client holds, and removing every trace of them from text and JSON.

Covers :func:`credentials` (every secret-bearing value of a client's settings: the API key,
a password in the base URL, key-carrying headers and query parameters), :func:`mask_url`
(a base URL fit to show), :func:`scrub` (text) and :func:`scrub_json` (a JSON value).
Scrubbing removes every substring of 8 or more characters of a secret (a shorter secret:
the whole of it), in the forms a server might echo it in: as is, in any letter case,
reversed, URL-encoded, hex, or base64 (standard or URL-safe, at any alignment), plus
anything shaped like a key (``sk-...``, ``xr-...``, ``Bearer ...``). :func:`scrub_json`
also joins the strings a stream splits across events (the deltas of one choice, in
order), so a secret cut into short pieces is found too. Leaves out what a recording
keeps (``helpers.recordings``) and how keys are shown (``helpers.settings.mask_key``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["credentials", "mask_url", "scrub", "scrub_json", "secret_name", "REDACTED", "SECRET_PATTERN"]

REDACTED = "[REDACTED]"
FRAGMENT = 8  # no run of this many characters of a secret may survive
SECRET_PATTERN = re.compile(
    r"\b(sk-[A-Za-z0-9_\-]{12,}|xr-[A-Za-z0-9_\-]{12,}|Bearer\s+[A-Za-z0-9_\-\.]{12,})")
# Header and query parameter names that carry a credential (authorization, api-key, x-api-key,
# x-goog-api-key, access_token, client_secret, password, sig, signature, cookie...).
_SECRET_NAME = re.compile(r"key|token|secret|passw|pwd|signature|^sig$|auth|credential|cookie"
                          r"|session", re.IGNORECASE)


def secret_name(name: str) -> bool:
    """True for a header or query parameter name that looks like it carries a credential."""
    return bool(_SECRET_NAME.search(name))


def _header_secrets(value: str) -> list[str]:
    """A header value, its token after the scheme, and for Basic auth the decoded password."""
    found = [value]
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if token:
        found.append(token)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(token, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            found += [decoded, decoded.partition(":")[2]]
    return found


def credentials(api_key: str | None = None, base_url: Any = None,
                default_headers: Mapping[str, Any] | None = None,
                default_query: Mapping[str, Any] | None = None) -> list[str]:
    """Every secret-bearing value a client holds, longest first, without duplicates.

    The key; the base URL's password (as written and decoded) and its key-like query
    values; header values whose names look like ``authorization``, ``api-key``,
    ``x-api-key`` (with the token after ``Bearer``/``Basic``, and Basic's password);
    ``default_query`` values whose names look like key, token, secret, password, signature.
    """
    found: list[str] = [api_key] if isinstance(api_key, str) else []
    if base_url:
        parts = urlsplit(str(base_url))
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [value for name, value in parse_qsl(parts.query, keep_blank_values=True)
                  if secret_name(name)]
    for name, value in (default_headers or {}).items():
        if isinstance(value, str) and secret_name(str(name)):
            found += _header_secrets(value)
    for name, value in (default_query or {}).items():
        if isinstance(value, str | int) and not isinstance(value, bool) and secret_name(str(name)):
            found.append(str(value))
    unique = {s.strip(): None for s in found if isinstance(s, str) and s.strip()}
    return sorted(unique, key=len, reverse=True)


def mask_url(url: Any) -> str:
    """``url`` with any password and key-like query value replaced by ``***``
    (``http://user:***@host/v1``)."""
    text = str(url)
    parts = urlsplit(text)
    netloc = parts.netloc
    if parts.password is not None:
        host = netloc.rpartition("@")[2]
        netloc = f"{parts.username or ''}:***@{host}"
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(secret_name(name) for name, _ in pairs):
        query = urlencode([(n, "***" if secret_name(n) else v) for n, v in pairs], safe="*")
    if (netloc, query) == (parts.netloc, parts.query):
        return text
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _forms(secret: str) -> set[str]:
    """The encodings of ``secret`` a server might echo (base64 at all three alignments)."""
    raw = secret.encode("utf-8")
    forms = {secret, secret[::-1], quote(secret, safe=""), quote_plus(secret), raw.hex()}
    for shift in range(3):
        if raw[shift:]:
            forms.add(base64.b64encode(raw[shift:]).decode().rstrip("="))
            forms.add(base64.urlsafe_b64encode(raw[shift:]).decode().rstrip("="))
    return forms


def _lower(text: str) -> str:
    """Lower case with one character per character (so positions stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class _Matcher:
    """Finds where fragments of the secrets occur in a text."""

    def __init__(self, secrets: Iterable[str]):
        self.grams: set[str] = set()  # lower-case FRAGMENT-grams of long secrets' forms
        self.whole: set[str] = set()  # short secrets: their exact forms, case as given
        for secret in secrets:
            if not isinstance(secret, str) or not secret:
                continue
            if len(secret) < FRAGMENT:
                self.whole |= {secret, quote(secret, safe=""),
                               base64.b64encode(secret.encode()).decode().rstrip("=")}
                continue
            for form in _forms(secret):
                low = _lower(form)
                self.grams.update(low[i:i + FRAGMENT] for i in range(len(low) - FRAGMENT + 1))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Merged (start, end) ranges of ``text`` that hold a fragment of a secret."""
        marks: list[tuple[int, int]] = []
        if self.grams and len(text) >= FRAGMENT:
            low, grams = _lower(text), self.grams
            marks += [(i, i + FRAGMENT) for i in range(len(low) - FRAGMENT + 1)
                      if low[i:i + FRAGMENT] in grams]
        for form in self.whole:
            start = text.find(form)
            while start >= 0:
                marks.append((start, start + len(form)))
                start = text.find(form, start + 1)
        marks += [m.span() for m in SECRET_PATTERN.finditer(text)]
        merged: list[tuple[int, int]] = []
        for start, end in sorted(marks):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


def _redact(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], REDACTED]
        last = end
    return "".join(out) + text[last:]


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every fragment of every secret, and anything key-shaped, redacted."""
    matcher = secrets if isinstance(secrets, _Matcher) else _Matcher(secrets)
    return _redact(text, matcher.spans(text))


def _leaves(value: Any) -> list[tuple[tuple, Any, Any]]:
    """(group, container, key) for every string in ``value``, in document order.

    The group is the path with list positions dropped, except that an item carrying an
    integer ``index`` (a choice, a tool call) keeps it: the pieces of one stream field
    (``events.*.choices.#0.delta.content``) share a group, in order.
    """
    found: list[tuple[tuple, Any, Any]] = []
    stack: list[tuple[tuple, Any, Any]] = [((), [value], 0)]
    while stack:
        path, container, key = stack.pop()
        node = container[key]
        if isinstance(node, str):
            found.append((path, container, key))
        elif isinstance(node, dict):
            stack += [(path + (k,), node, k) for k in reversed(list(node))]
        elif isinstance(node, list):
            for i in reversed(range(len(node))):
                index = node[i].get("index") if isinstance(node[i], dict) else None
                indexed = isinstance(index, int) and not isinstance(index, bool)
                stack.append((path + (f"#{index}" if indexed else "*",), node, i))
    return found


def scrub_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of a JSON value with every string (and key) scrubbed, stream pieces joined."""
    matcher = _Matcher(secrets)
    copy = json.loads(json.dumps(value))
    groups: dict[tuple, list[tuple[Any, Any]]] = {}
    for group, container, key in _leaves(copy):
        groups.setdefault(group, []).append((container, key))
    for members in groups.values():
        texts = [container[key] for container, key in members]
        spans = matcher.spans("".join(texts))
        offset = 0
        for (container, key), text in zip(members, texts, strict=True):
            end = offset + len(text)
            local = [(max(s, offset) - offset, min(e, end) - offset) for s, e in spans
                     if s < end and e > offset]
            if local:
                container[key] = _redact(text, local)
            offset = end
    return _scrub_keys(copy, matcher)


def _scrub_keys(value: Any, matcher: _Matcher) -> Any:
    """Dict keys are strings too: scrub them (iteratively, any depth)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(matcher.spans(k) for k in node):
                items = list(node.items())
                node.clear()
                node.update((scrub(k, matcher), v) for k, v in items)
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return value
