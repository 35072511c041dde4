"""An OpenAI-compatible HTTP server for the embedded model, on this machine only.

    python -m helpers.local.serve [--host 127.0.0.1|::1] [--port N] [--replay auto|strict|record|off]
                                  [--scope NAME]

Covers ``POST /v1/chat/completions`` (JSON, or a Server-Sent Events stream) and
``GET /v1/models``, answered by the same code as the in-process local backend
(``helpers.local.transport``), with record/replay in front as everywhere else in the
workbook (``WORKBOOK_REPLAY``, default ``auto``; ``--replay strict --scope NAME`` serves
that notebook's committed recordings and never the model). Any OpenAI client (the SDK
with ``base_url``, curl, other languages) can talk to it.

It is a teaching server with the limits of one: it serves **one generation at a time**
(there is one small model); at most ``MAX_WAITING`` more chat requests wait their turn,
and beyond that the answer is OpenAI's 429 with a ``retry-after`` header, not an
unbounded wait. A request whose client hung up while it waited is dropped, and a stream
stops generating when its client goes away. It binds to a loopback address only
(127.0.0.1 by default, or ::1) and refuses any other; like Jupyter's server it answers
403 to a request whose ``Host`` is not the loopback address and port it serves, or that
carries an ``Origin`` other than its own (so a web page in the learner's browser cannot
drive it). Bodies over ``MAX_BODY`` get 413 before they are read; a connection idle for
``IDLE_TIMEOUT`` seconds is closed, and at most ``MAX_CONNECTIONS`` are open at once
(503 beyond). Leaves out TLS, keys and the other endpoints of OpenAI's API.

Used in lessons: 17.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import select
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2

from helpers._http import is_stream
from helpers.errors import ConfigError, WorkbookError
from helpers.local.transport import LocalTransport
from helpers.recordings import RecordingStore
from helpers.replay import ReplayTransport
from helpers.settings import LOCAL_MODEL_ID, resolve_replay

__all__ = ["check_loopback", "build_transport", "Server", "main"]

_SKIP = {"content-length", "transfer-encoding", "content-encoding", "connection", "date", "server"}
MAX_BODY = 4 * 1024 * 1024  # bytes of request body (the model's context holds far less)
MAX_WAITING = 8  # chat requests waiting for the one running generation
IDLE_TIMEOUT = 30.0  # seconds a connection may sit without sending or accepting data
MAX_CONNECTIONS = 64  # open connections (threads) at once
_DRAIN_LIMIT, _DRAIN_SECONDS = 64 * 1024 * 1024, 5.0  # read and drop a refused body, up to these
JSON = {"content-type": "application/json"}
_TOO_MANY = (b"HTTP/1.0 503 Service Unavailable\r\ncontent-type: application/json\r\n"
             b"connection: close\r\n\r\n" + json.dumps({"error": {
                 "message": "helpers.local.serve has too many open connections; try again.",
                 "type": "server_error", "param": None, "code": None}}).encode())


def check_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address; raise ConfigError otherwise."""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"helpers.local.serve only listens on this machine (127.0.0.1, ::1 or localhost), "
                          f"not {host!r}: it has no key check and no TLS. Use --host 127.0.0.1.")
    return host


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def build_transport(replay: str | None = None, scope: str | None = None) -> httpx2.BaseTransport:
    """The local backend, behind record/replay unless the mode is ``off``."""
    mode = resolve_replay(replay)
    inner = LocalTransport(LOCAL_MODEL_ID)
    if mode == "off":
        return inner
    store = RecordingStore(scope=scope or os.environ.get("WORKBOOK_SCOPE") or "serve")
    return ReplayTransport(inner, mode, store, "/v1")


def _error_response(status: int, message: str, kind: str, code: str | None,
                   headers: dict[str, str] | None = None) -> httpx2.Response:
    """OpenAI's error shape; ``x-should-retry: false`` unless ``headers`` say otherwise."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return httpx2.Response(status, headers=JSON | {"x-should-retry": "false"} | (headers or {}),
                           content=json.dumps(body).encode())


class _Gate:
    """One generation at a time, and at most ``waiting`` more in line."""

    def __init__(self, waiting: int):
        self.turn = threading.Lock()
        self._count = threading.Lock()
        self.limit, self.pending = waiting + 1, 0

    def enter(self) -> bool:
        with self._count:
            if self.pending >= self.limit:
                return False
            self.pending += 1
            return True

    def leave(self) -> None:
        with self._count:
            self.pending -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; a stream ends when the server closes it
    transport: httpx2.BaseTransport
    timeout = IDLE_TIMEOUT  # socket timeout: an idle or half-open connection is closed
    server: _Server

    def log_message(self, format: str, *args) -> None:  # quiet: the notebook shows what matters
        if os.environ.get("WORKBOOK_SERVE_LOG"):
            super().log_message(format, *args)

    # -- checks before any work ------------------------------------------------------------

    def _refusal(self) -> httpx2.Response | None:
        """403 for a foreign Host or Origin, 411/400/413 for a body we will not read."""
        host = (self.headers.get("host") or "").strip().lower()
        if host and host not in self.server.own_hosts:
            own = self.server.own_hosts[0]
            return _error_response(403, f"Host {host!r} is not this server ({own}): helpers.local.serve "
                                  "answers requests to its own loopback address only.",
                                  "invalid_request_error", "host_not_allowed")
        origin = self.headers.get("origin")
        if origin is not None and origin.strip().lower() not in self.server.own_origins:
            return _error_response(403, f"Origin {origin!r} may not call helpers.local.serve: it answers "
                                  "its own pages and programs, not other web sites.",
                                  "invalid_request_error", "origin_not_allowed")
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return _error_response(411, "Send the body with a Content-Length.",
                                  "invalid_request_error", None)
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _error_response(400, "Invalid Content-Length header.",
                                  "invalid_request_error", None)
        if length > self.server.max_body:
            self._oversized = length
            return _error_response(413, f"Request body too large: {length} bytes; helpers.local.serve "
                                  f"accepts at most {self.server.max_body} (the model's context "
                                  "holds far less).", "invalid_request_error", "request_too_large")
        self._length = length
        return None

    def _client_gone(self) -> bool:
        """True once the client closed its end (it timed out, or was stopped)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _drain(self, length: int) -> None:
        """Read and drop a refused body (bounded), so the client gets to read our answer."""
        deadline, left = time.monotonic() + _DRAIN_SECONDS, min(length, _DRAIN_LIMIT)
        try:
            self.connection.settimeout(1.0)
            while left > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    # -- answering -------------------------------------------------------------------------

    def _handle(self) -> None:
        self._oversized = 0
        refused = self._refusal()
        if refused is not None:
            self._send(refused)
            if self._oversized:
                self._drain(self._oversized)
            return
        chat = self.command == "POST"
        if chat and not self.server.gate.enter():
            waiting = self.server.gate.limit - 1
            self._send(_error_response(
                429, f"helpers.local.serve runs one generation at a time and {waiting} requests are "
                "already waiting; try again in a moment.", "requests", "rate_limit_exceeded",
                {"retry-after": "1", "x-should-retry": "true"}))
            return
        try:
            body = self.rfile.read(self._length) if self._length else b""
            if not chat:
                self._send(self._call(body))
                return
            with self.server.gate.turn:  # one generation at a time
                if self._client_gone():  # it gave up while waiting: no work for nobody
                    return
                self._send(self._call(body))
        finally:
            if chat:
                self.server.gate.leave()

    def _call(self, body: bytes) -> httpx2.Response:
        host, port = self.server.server_address[:2]
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}{self.path}"
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        request = httpx2.Request(self.command, url, content=body, headers=headers)
        try:
            return self.transport.handle_request(request)
        except WorkbookError as err:  # e.g. a strict-replay miss: say so, and tell the SDK not to retry
            return _error_response(503, str(err), "server_error", type(err).__name__)
        except Exception as err:  # a bug still gets an answer, not a dropped connection
            if os.environ.get("WORKBOOK_SERVE_LOG"):
                traceback.print_exc()
            return _error_response(500, f"helpers.local.serve failed on this request "
                                  f"({type(err).__name__}: {err}).", "server_error", None)

    def _send(self, response: httpx2.Response) -> None:
        try:
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in _SKIP:
                    self.send_header(name, value)
            if is_stream(response):
                self.end_headers()
                self._stream(response)
                return
            content = response.read()
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except OSError:  # the client went away while we answered
            self.close_connection = True
        finally:
            response.close()

    def _stream(self, response: httpx2.Response) -> None:
        """Pass the events on; stop (closing the stream ends the generation) if the client left."""
        for part in response.iter_bytes():
            if self._client_gone():
                break
            self.wfile.write(part)
            self.wfile.flush()

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    own_hosts: list[str]
    own_origins: set[str]
    gate: _Gate
    max_body: int
    slots: threading.BoundedSemaphore

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):  # too many open connections: say so, close
            try:
                request.settimeout(1.0)
                request.sendall(_TOO_MANY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class _Server6(_Server):
    address_family = socket.AF_INET6


class Server:
    """A running server: ``.base_url`` for clients, ``.stop()`` to shut it down."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", replay: str | None = None,
                 scope: str | None = None, *, transport: httpx2.BaseTransport | None = None,
                 max_waiting: int = MAX_WAITING, max_body: int = MAX_BODY,
                 idle_timeout: float = IDLE_TIMEOUT, max_connections: int = MAX_CONNECTIONS):
        host = check_loopback(host)
        chosen = transport or build_transport(replay, scope)
        handler = type("Handler", (_Handler,), {"transport": chosen, "timeout": idle_timeout})
        server_class = _Server6 if _is_ipv6(host) else _Server
        self.httpd = server_class((host, port), handler)
        self.replay = resolve_replay(replay)
        bound, port = self.httpd.server_address[:2]
        shown = f"[{bound}]" if _is_ipv6(bound) else bound
        self.base_url = f"http://{shown}:{port}/v1"
        names = [shown, "localhost", "127.0.0.1", "[::1]"]
        self.httpd.own_hosts = list(dict.fromkeys(f"{name}:{port}" for name in names))
        self.httpd.own_origins = {f"http://{h}" for h in self.httpd.own_hosts}
        self.httpd.gate = _Gate(max_waiting)
        self.httpd.max_body = max_body
        self.httpd.slots = threading.BoundedSemaphore(max_connections)
        self._thread: threading.Thread | None = None

    def start(self) -> Server:
        """Serve in a background thread (for tests and notebooks); returns self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.local.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port; default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    parser.add_argument("--replay", default=None, help="auto|strict|record|off (default: WORKBOOK_REPLAY or auto)")
    parser.add_argument("--scope", default=None, help="folder for new recordings (default: WORKBOOK_SCOPE or serve)")
    args = parser.parse_args(argv)
    try:
        server = Server(args.port, args.host, args.replay, args.scope)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # e.g. the port is taken, or this machine has no IPv6
        print(f"error: cannot listen on {args.host} port {args.port}: {err}", file=sys.stderr)
        return 2
    print(f"Serving {LOCAL_MODEL_ID} (replay: {server.replay}) on {server.base_url}  (Ctrl+C to stop)", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
