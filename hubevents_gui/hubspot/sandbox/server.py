"""The sandbox as a real HTTP server on loopback (``hubevents sandbox``, end-to-end tests).

Every request gets an answer in HubSpot's error shape when it cannot be served, never a dropped
connection (unless a fault asks for one): framing it cannot read, a body that stops arriving, the
server's own failures. A connection idle longer than ``idle_timeout`` is closed, so no client
can hold a thread forever.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import cast

from hubevents_gui.hubspot.sandbox.config import SandboxResponse, error_body
from hubevents_gui.hubspot.sandbox.framing import MAX_BODY, BodyError, read_body
from hubevents_gui.hubspot.sandbox.routes import Sandbox

LOOPBACK = "127.0.0.1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections, as with HubSpot
    # headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms
    disable_nagle_algorithm = True
    server: SandboxServer

    def setup(self) -> None:
        super().setup()
        # a connection that sends no request line or headers is closed after this long
        self.connection.settimeout(self.server.idle_timeout)

    def _read(self) -> bytes | SandboxResponse:
        """The body, or the answer that refuses it."""
        try:
            return read_body(
                cast(io.BufferedReader, self.rfile),  # StreamRequestHandler's rbufsize -1 makes one
                self.connection,
                self.headers,
                timeout=self.server.body_timeout,
                limit=self.server.max_body,
            )
        except TimeoutError:
            message = f"the body did not arrive within {self.server.body_timeout:g} seconds"
            return SandboxResponse(408, error_body("REQUEST_TIMEOUT", message))
        except BodyError as exc:
            return SandboxResponse(exc.status, error_body(exc.category, exc.message))
        finally:  # answers are written under the idle timeout, not what is left of the body's
            self.connection.settimeout(self.server.idle_timeout)

    def _answer(self) -> None:
        body = self._read()
        if isinstance(body, SandboxResponse):
            self._send(body, close=True)
            return
        # with both, chunked wins (RFC 9112 6.3), and the connection must not be reused
        close = "Transfer-Encoding" in self.headers and "Content-Length" in self.headers
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = self.server.sandbox.handle(self.command, self.path, headers, body)
        except Exception as exc:  # noqa: BLE001 - a bug of ours: still an answer, HubSpot's shape
            self.log_error("failed on %s %s: %r", self.command, self.path, exc)
            message = f"the sandbox failed: {type(exc).__name__}: {exc}"
            answer = SandboxResponse(500, error_body("INTERNAL_ERROR", message))
        if answer.delay:
            time.sleep(answer.delay)
        if answer.dropped:
            # close without a word, as a broken proxy or a reset connection would
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(answer, close)

    def _send(self, answer: SandboxResponse, close: bool = False) -> None:
        content = answer.content()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)
        except OSError:  # the client has gone: nobody to tell
            self.close_connection = True

    def send_error(
        self,
        code: int,
        message: str | None = None,
        explain: str | None = None,  # noqa: ARG002 - http.server's signature; HTML only
    ) -> None:
        """http.server's own refusals (a bad request line, too many headers), as JSON."""
        self.log_error("code %d, message %s", code, message)
        short = self.responses.get(code, ("error", ""))[0]
        text = f"{short}: {message}" if message and message != short else short
        self._send(SandboxResponse(code, error_body("VALIDATION_ERROR", text)), close=True)

    # http.server's names for the per-method entry points
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class SandboxServer(ThreadingHTTPServer):
    """Serves a Sandbox on 127.0.0.1 (never another interface) from a background thread.

    ``body_timeout``: seconds a request's body may take to arrive (then 408);
    ``idle_timeout``: seconds a connection may wait for its next request (then it is closed).
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        sandbox: Sandbox,
        port: int = 0,
        *,
        verbose: bool = False,
        body_timeout: float = 5.0,
        idle_timeout: float = 60.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self.sandbox = sandbox
        self.verbose = verbose
        self.body_timeout = body_timeout
        self.idle_timeout = idle_timeout
        self.max_body = max_body
        super().__init__((LOOPBACK, port), _Handler)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SandboxServer:
        # stop() waits for serve_forever to look up: every 50 ms rather than its default 500
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="hubevents-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
