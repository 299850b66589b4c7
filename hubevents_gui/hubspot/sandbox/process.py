"""The sandbox as a service of its own: ``hubevents sandbox`` in a child process, on loopback.

The window's sandbox simulates a remote service, so it runs like one. Its requests are answered
by another process, whose Python does not take turns with the window's for the interpreter lock:
the window paints while the simulator validates, stores and sleeps its latency elsewhere.

The child is started on first use (or ahead, by :meth:`SandboxProcess.start`), says where it
serves on its first line of output, and stops when its standard input closes: when this process
stops it, exits, or is killed. A child that has died is replaced on the next request, with a
warning in the log (what it held is gone, as after a restart of the app).
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from hubevents_gui.core.threads import lower_priority

log = logging.getLogger(__name__)

#: the window's demo portal, answering with a little latency so a new user sees rows go from
#: sending to created
DEMO_OPTIONS = ("--demo", "--latency", "0.15-0.35", "--seed", "1")
#: seconds a child may take to say where it serves (a cold start of a bundle on a slow disk)
START_TIMEOUT = 30.0


class SandboxUnavailableError(Exception):
    """The sandbox's process could not be started or has been stopped."""


def child_command(options: Sequence[str]) -> list[str]:
    """``hubevents sandbox`` with these options: the bundle's own executable beside this one
    when frozen, else this interpreter's."""
    if getattr(sys, "frozen", False):
        name = "hubevents.exe" if sys.platform == "win32" else "hubevents"
        return [str(Path(sys.executable).with_name(name)), "sandbox", *options]
    return [sys.executable, "-m", "hubevents_gui.cli", "sandbox", *options]


@dataclass
class _Child:
    """One started child: its process, and where it serves once it has said so."""

    process: subprocess.Popen[bytes]
    ready: threading.Event = field(default_factory=threading.Event)
    base_url: str | None = None
    readers: list[threading.Thread] = field(default_factory=list)

    def read_output(self, stdout: IO[bytes]) -> None:
        with stdout:
            # the URL line, whatever comes before it (a sitecustomize may print)
            for raw in stdout:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("http://127.0.0.1:"):
                    self.base_url = line
                    break
            self.ready.set()  # with the URL, or at the end of the child's output
            stdout.read()  # nothing more is said there; read to the end: the child never blocks

    def read_errors(self, stderr: IO[bytes]) -> None:
        said: list[str] = []
        with stderr:
            for line in stderr:
                text = line.decode("utf-8", "replace").rstrip()
                if text:
                    said.append(text)
                    log.info("sandbox (pid %d): %s", self.process.pid, text)
        if self.base_url is None and said:  # why it did not start: kept without --debug
            log.warning("the sandbox (pid %d) did not start: %s", self.process.pid, said[-1])

    def close(self, timeout: float) -> None:
        """Its pipes closed, once it has ended."""
        _close_input(self.process)
        for reader in self.readers:
            reader.join(timeout)


class SandboxProcess:
    """Starts, finds, replaces and stops the child that serves the sandbox. Thread-safe: runs
    ask for :meth:`base_url` from their own threads."""

    def __init__(self, options: Sequence[str] = DEMO_OPTIONS, *, timeout: float = START_TIMEOUT):
        self.options = [*options, "--port", "0", "--stop-on-eof"]
        self.timeout = timeout
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The running child's process id (None before the first start or after a stop)."""
        child = self._child
        return child.process.pid if child is not None else None

    def start(self) -> None:
        """Start the child unless one runs; returns at once (it gets ready on its own)."""
        with self._lock:
            self._running_child()

    def base_url(self) -> str:
        """Where the child serves, waiting for it to be ready (started now if none runs)."""
        with self._lock:
            child = self._running_child()
        if not child.ready.wait(self.timeout):
            # killed, so the next request starts another rather than waiting on this one again
            log.warning("the sandbox (pid %d) did not start in time: killed", child.process.pid)
            child.process.kill()
            raise SandboxUnavailableError(
                f"the sandbox did not start within {self.timeout:g} seconds"
            )
        if child.base_url is None:
            try:
                code = child.process.wait(self.timeout)
            except subprocess.TimeoutExpired:  # it said nothing of where it serves: no use
                child.process.kill()
                code = child.process.wait()
            raise SandboxUnavailableError(f"the sandbox did not start (exit status {code})")
        return child.base_url

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport that sends requests meant for the sandbox's URL to the child."""
        return SandboxProcessTransport(self)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the child (closing its input), killing it if it has not gone within
        ``timeout`` seconds; nothing starts again after this."""
        with self._lock:
            self._stopped = True
            child, self._child = self._child, None
        if child is None:
            return
        _close_input(child.process)
        try:
            child.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the sandbox (pid %d) did not stop: killed", child.process.pid)
            child.process.kill()
            child.process.wait()
        child.close(timeout)

    def _running_child(self) -> _Child:
        """The child, started if there is none or it has died (under the lock)."""
        if self._stopped:
            raise SandboxUnavailableError("the sandbox has stopped (the window is closing)")
        child = self._child
        if child is not None and child.process.poll() is None:
            return child
        if child is not None:
            log.warning(
                "the sandbox (pid %d) ended with exit status %s; starting another: the events "
                "it held are gone",
                child.process.pid,
                child.process.returncode,
            )
            child.close(timeout=1.0)
        self._child = child = self._launch()
        return child

    def _launch(self) -> _Child:
        command = child_command(self.options)
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # Windows: the bundle's hubevents is a console program, but no console window
                # for it; and the window's threads come first (as lower_priority does elsewhere)
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0)
                | getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0),
            )
        except OSError as exc:
            message = f"the sandbox could not start: {exc.strerror or exc}"
            log.warning("%s (%s)", message, command[0])
            raise SandboxUnavailableError(message) from exc
        child = _Child(process)
        lower_priority(process.pid)  # a simulator in the background: the window comes first
        assert process.stdout is not None
        assert process.stderr is not None
        for target, stream in (
            (child.read_output, process.stdout),
            (child.read_errors, process.stderr),
        ):
            reader = threading.Thread(
                target=target, args=(stream,), name="hubevents-sandbox-output", daemon=True
            )
            reader.start()
            child.readers.append(reader)
        log.info("sandbox started (pid %d)", process.pid)
        return child


def _close_input(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        with contextlib.suppress(OSError):  # it has gone already
            process.stdin.close()


class SandboxProcessTransport(httpx.BaseTransport):
    """Sends each request to the child's loopback server, whatever host its URL names (the
    engine addresses the sandbox by its own URL, as it would HubSpot). A child that cannot be
    reached is a connection error, as HubSpot being unreachable would be."""

    def __init__(self, process: SandboxProcess) -> None:
        self._process = process
        self._lock = threading.Lock()
        # made by the first request, on the run's thread: its TLS context (unused on loopback,
        # but httpx makes one) takes tens of milliseconds to load certificates
        self._http: httpx.HTTPTransport | None = None
        #: which child the pool's connections are to (its pid and where it serves)
        self._serving: tuple[int | None, httpx.URL] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            base = httpx.URL(self._process.base_url())
        except SandboxUnavailableError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        with self._lock:
            serving = (self._process.pid, base)
            if self._http is None or self._serving != serving:
                # a replaced child may listen on the port its predecessor had: none of the
                # predecessor's pooled connections may be taken for the new one's
                if self._http is not None:
                    self._http.close()
                self._http, self._serving = httpx.HTTPTransport(), serving
            http = self._http
        forwarded = httpx.Request(
            request.method,
            request.url.copy_with(scheme=base.scheme, host=base.host, port=base.port),
            headers=request.headers,
            content=request.read(),
            extensions=request.extensions,
        )
        return http.handle_request(forwarded)

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
