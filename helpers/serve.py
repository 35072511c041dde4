"""An OpenAI-compatible HTTP server for the embedded model, on this machine only.

    python -m helpers.serve [--port N] [--replay auto|strict|record|off] [--scope NAME]

Covers ``POST /v1/chat/completions`` (JSON, or a Server-Sent Events stream) and
``GET /v1/models``, answered by the same code as the in-process local backend
(``helpers.local_transport``), with record/replay in front as everywhere else in the
workbook (``WORKBOOK_REPLAY``, default ``auto``). Any OpenAI client (the SDK with
``base_url``, curl, other languages) can talk to it. It binds to a loopback address
only (127.0.0.1 by default) and refuses any other. Leaves out TLS, keys and the other
endpoints of OpenAI's API.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2

from helpers.errors import ConfigError, WorkbookError
from helpers.local_transport import LocalTransport
from helpers.recordings import RecordingStore
from helpers.replay import ReplayTransport
from helpers.settings import LOCAL_MODEL_ID, resolve_replay

_SKIP = {"content-length", "transfer-encoding", "content-encoding", "connection", "date", "server"}


def check_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address; raise ConfigError otherwise."""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"helpers.serve only listens on this machine (127.0.0.1, ::1 or localhost), "
                          f"not {host!r}: it has no key check and no TLS. Use --host 127.0.0.1.")
    return host


def build_transport(replay: str | None = None, scope: str | None = None) -> httpx2.BaseTransport:
    """The local backend, behind record/replay unless the mode is ``off``."""
    mode = resolve_replay(replay)
    inner = LocalTransport(LOCAL_MODEL_ID)
    if mode == "off":
        return inner
    store = RecordingStore(scope=scope or os.environ.get("WORKBOOK_SCOPE") or "serve")
    return ReplayTransport(inner, mode, store, "/v1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; a stream ends when the server closes it
    transport: httpx2.BaseTransport

    def log_message(self, format: str, *args) -> None:  # quiet: the notebook shows what matters
        if os.environ.get("WORKBOOK_SERVE_LOG"):
            super().log_message(format, *args)

    def _forward(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        host, port = self.server.server_address[:2]
        request = httpx2.Request(self.command, f"http://{host}:{port}{self.path}",
                                 headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                                 content=body)
        try:
            response = self.transport.handle_request(request)
        except WorkbookError as err:  # e.g. a strict-replay miss: say so, and tell the SDK not to retry
            error = {"error": {"message": str(err), "type": "server_error", "param": None, "code": type(err).__name__}}
            response = httpx2.Response(503, headers={"content-type": "application/json", "x-should-retry": "false"},
                                       content=json.dumps(error).encode())
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in _SKIP:
                self.send_header(name, value)
        streaming = response.headers.get("content-type", "").startswith("text/event-stream")
        if streaming:
            self.end_headers()
            try:
                for part in response.iter_bytes():
                    self.wfile.write(part)
                    self.wfile.flush()
            finally:
                response.close()
            return
        content = response.read()
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()


class Server:
    """A running server: ``.base_url`` for clients, ``.stop()`` to shut it down."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", replay: str | None = None, scope: str | None = None):
        handler = type("Handler", (_Handler,), {"transport": build_transport(replay, scope)})
        self.httpd = ThreadingHTTPServer((check_loopback(host), port), handler)
        self.httpd.daemon_threads = True
        self.replay = resolve_replay(replay)
        host, port = self.httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}/v1"
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
    parser = argparse.ArgumentParser(prog="python -m helpers.serve", description=__doc__.splitlines()[0])
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
