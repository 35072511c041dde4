"""Failures on purpose: an httpx2 transport that fails some attempts, then lets the real answer through.

Covers the failures a client meets in production, each as OpenAI or the network would
produce it: ``"429"`` (rate limit, with ``retry-after`` / ``retry-after-ms`` headers),
``"500"``, ``"503"``, ``"401"`` (bad key), ``"400"``, ``"timeout"`` (an
``httpx2.ReadTimeout`` after waiting the request's own read timeout, capped), ``"connect"``
(``httpx2.ConnectError``) and ``"drop"`` (the server closes the connection:
``httpx2.RemoteProtocolError``). Faults come from a script (the first attempts, in order)
and then with a seeded probability, so runs are reproducible. Every attempt is logged
with its outcome. Anything not failed is passed to the transport underneath (the local
model or replay), so after the faults the genuine answer arrives. Leaves out async.

Used in lessons: 15, 20.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx2

from helpers._http import WrapperTransport

__all__ = ["Attempt", "FaultTransport"]

KINDS = ("429", "500", "503", "401", "400", "timeout", "connect", "drop")
_BODIES = {
    "429": ("rate_limit_exceeded", "requests", "Rate limit reached for requests (injected by helpers.faults). "
            "Please try again shortly."),
    "500": (None, "server_error", "The server had an error while processing your request "
            "(injected by helpers.faults)."),
    "503": (None, "server_error", "The engine is currently overloaded, please try again later "
            "(injected by helpers.faults)."),
    "401": ("invalid_api_key", "invalid_request_error", "Incorrect API key provided (injected by helpers.faults)."),
    "400": (None, "invalid_request_error", "Invalid request (injected by helpers.faults)."),
}


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt as the transport saw it."""

    number: int         # 1, 2, 3... over the transport's life
    retry_count: int    # the SDK's own x-stainless-retry-count header: 0 on a first try
    outcome: str        # "200", "429 (injected)", "timeout (injected)"...
    injected: bool
    at: float           # seconds since the first attempt


class FaultTransport(WrapperTransport):
    """Fails the attempts ``script`` names, then each one with probability ``rate``.

    ``script`` is a list of kinds (see ``KINDS``) or ``"ok"``, used for the first attempts
    in order. After it, an attempt fails with probability ``rate`` (drawn from
    ``random.Random(seed)``) with a kind from ``kinds``. ``retry_after`` (seconds) goes in
    429 responses as ``retry-after-ms`` and ``retry-after``; ``None`` leaves them out.
    Pass it to ``make_client(wrap=...)``: calling it with a transport sets ``inner``.
    """

    example = "FaultTransport([...])"

    def __init__(self, script: Sequence[str] = (), *, inner: httpx2.BaseTransport | None = None,
                 rate: float = 0.0, kinds: Sequence[str] = ("429",), seed: int = 0,
                 retry_after: float | None = 0.05, timeout_cap: float = 0.5):
        for kind in [*script, *kinds]:
            if kind != "ok" and kind not in KINDS:
                raise ValueError(f"Unknown fault {kind!r}: choose from {', '.join(KINDS)} or 'ok'.")
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, not {rate}.")
        super().__init__(inner)
        self.script, self.rate, self.kinds = list(script), rate, list(kinds)
        self.retry_after, self.timeout_cap = retry_after, timeout_cap
        self._random = random.Random(seed)
        self.attempts: list[Attempt] = []
        self._start: float | None = None

    def _next_fault(self) -> str | None:
        n = len(self.attempts)
        if n < len(self.script):
            return None if self.script[n] == "ok" else self.script[n]
        if self.rate and self._random.random() < self.rate:
            return self._random.choice(self.kinds)
        return None

    def _log(self, request: httpx2.Request, outcome: str, injected: bool) -> None:
        now = time.monotonic()
        self._start = self._start if self._start is not None else now
        retry = int(request.headers.get("x-stainless-retry-count", "0") or 0)
        self.attempts.append(Attempt(len(self.attempts) + 1, retry, outcome, injected, now - self._start))

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        inner = self.underneath()
        fault = self._next_fault()
        if fault is None:
            try:
                response = inner.handle_request(request)
            except Exception as err:
                self._log(request, type(err).__name__, False)
                raise
            self._log(request, str(response.status_code), False)
            return response
        self._log(request, f"{fault} (injected)", True)
        if fault == "timeout":
            read = (request.extensions.get("timeout") or {}).get("read") or self.timeout_cap
            time.sleep(min(read, self.timeout_cap))
            raise httpx2.ReadTimeout("The read operation timed out (injected by helpers.faults)", request=request)
        if fault == "connect":
            raise httpx2.ConnectError("[Errno 111] Connection refused (injected by helpers.faults)", request=request)
        if fault == "drop":
            raise httpx2.RemoteProtocolError("Server disconnected without sending a response "
                                             "(injected by helpers.faults)", request=request)
        return _error_response(int(fault), self.retry_after)

    @property
    def count(self) -> int:
        """How many attempts reached this transport."""
        return len(self.attempts)

    def log(self) -> str:
        """The attempts as aligned text, one line each."""
        return "\n".join(f"attempt {a.number}  retry-count {a.retry_count}  at {a.at:.2f}s  -> {a.outcome}"
                         for a in self.attempts)

    def reset(self) -> None:
        """Forget the attempts (the script starts again from its first entry)."""
        self.attempts.clear()
        self._start = None


def _error_response(status: int, retry_after: float | None) -> httpx2.Response:
    code, kind, message = _BODIES[str(status)]
    headers = {"content-type": "application/json", "x-workbook-fault": str(status)}
    if status == 429 and retry_after is not None:
        headers["retry-after-ms"] = str(round(retry_after * 1000))
        headers["retry-after"] = str(max(1, round(retry_after)))
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return httpx2.Response(status, headers=headers, content=json.dumps(body).encode())

