"""A fixture web server on 127.0.0.1 (a free port) for the page-reading tests.

Routes map a path to a function ``(handler) -> None`` that writes the whole response, or to a
``Page``. Every request path is logged, so a test can assert a page was never requested.
Nothing here listens on any address but 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"}
    )
    etag: str = ""


class PagesServer:
    def __init__(self):
        self.routes: dict[str, object] = {}
        self.log: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                server.log.append((path, dict(self.headers)))
                route = server.routes.get(path)
                if route is None:
                    route = Page("not found", status=404, headers={"Content-Type": "text/plain"})
                if callable(route):
                    route(self)
                    return
                body = route.body.encode() if isinstance(route.body, str) else route.body
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the reader hanging up on a slow or huge page is the point of the test

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requested(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def redirect(location: str, status: int = 302):
    def handle(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return handle


def sleep_then(seconds: float, body: bytes = b"<p>late</p>"):
    def handle(handler):
        time.sleep(seconds)
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass

    return handle


def slow_headers(seconds_per_byte: float, lines: int = 400):
    """A server that sends its status line and headers one byte at a time."""

    def handle(handler):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        head += b"".join(b"X-Padding-%d: x\r\n" % n for n in range(lines))
        try:
            for byte in head:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(seconds_per_byte)
        except OSError:
            pass

    return handle


def drip(total_seconds: float, pieces: int = 30):
    def handle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(pieces))
        handler.end_headers()
        try:
            for _ in range(pieces):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(total_seconds / pieces)
        except OSError:
            pass

    return handle


def chunked(body: bytes, content_type: str = "text/html", encoding: str = ""):
    """No Content-Length: the size limit must hold while reading."""

    def handle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if encoding:
            handler.send_header("Content-Encoding", encoding)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for start in range(0, len(body), 65536):
                piece = body[start : start + 65536]
                handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    return handle
