"""A reverse proxy on loopback in front of the real Gitea (or registry) that can refuse on cue.

Git smart HTTP, the REST API and the registry API pass through unchanged (raw bodies, content
encodings kept); `fail` decides per request whether the proxy answers `status` (502 unless
set) with `reply` instead of forwarding. `keep_host` forwards the client's Host header, for an
upstream (the registry) that builds its Location URLs from it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}


@dataclass
class Proxy:
    url: str
    fail: Callable[[str, str], bool] = lambda method, path: False
    failed: list[str] = field(default_factory=list)
    status: int = 502
    reply: bytes = b"bad gateway (test proxy)"


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


@contextmanager
def forge_proxy(upstream: str, *, keep_host: bool = False) -> Iterator[Proxy]:
    """Serve a proxy to `upstream` on 127.0.0.1; yield it with its URL."""
    client = httpx.Client(base_url=upstream, timeout=60)
    proxy = Proxy("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            body = _read_body(self)
            if proxy.fail(self.command, self.path):
                proxy.failed.append(f"{self.command} {self.path}")
                kind = "application/json" if proxy.reply.startswith(b"{") else "text/plain"
                self._answer(proxy.status, {"Content-Type": kind}, proxy.reply)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            if keep_host and self.headers.get("Host"):
                headers["Host"] = self.headers["Host"]
            request = client.build_request(self.command, self.path, headers=headers, content=body)
            response = client.send(request, stream=True)
            try:
                raw = b"".join(response.iter_raw())
            finally:
                response.close()
            out = {k: v for k, v in response.headers.items() if k.lower() not in _HOP}
            if self.command == "HEAD":  # no body, but the size of the one a GET would get
                self._answer(response.status_code, out, b"", response.headers.get("Content-Length", "0"))
            else:
                self._answer(response.status_code, out, raw)

        def _answer(self, status: int, headers: dict[str, str], body: bytes, length: str = "") -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", length or str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        do_GET = do_HEAD = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        client.close()
