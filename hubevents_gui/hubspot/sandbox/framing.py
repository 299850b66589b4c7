"""Reading a request's body off the wire: a Content-Length or chunked, within a size and a time.

A body the server cannot take becomes a :class:`BodyError` with the status to answer (400 for
framing it cannot read, 408 for one that stops arriving, 413 for one that is too large); after
any of them the connection is closed, since where the next request would start is unknown.
"""

from __future__ import annotations

import io
import re
import socket
import time
from email.message import Message

#: larger than any batch of 100 events; a bigger body is refused before it is read
MAX_BODY = 16 * 1024 * 1024
#: a chunk-size line or a trailer line longer than this is not HTTP
_MAX_LINE = 4096
_MAX_TRAILERS = 100
_PIECE = 64 * 1024

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
# chunk-size [; chunk-ext] CRLF (RFC 9112 section 7.1); int(x, 16) alone would take "0x1f", "1_0"
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")


class BodyError(Exception):
    """The body cannot be read: answer ``status`` with ``message`` and close the connection."""

    def __init__(self, status: int, category: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message


def read_body(
    rfile: io.BufferedReader,
    sock: socket.socket,
    headers: Message,
    *,
    timeout: float,
    limit: int = MAX_BODY,
) -> bytes:
    """The whole body, which must arrive within ``timeout`` seconds in all."""
    reader = _Reader(rfile, sock, time.monotonic() + timeout, limit)
    encodings = [
        v.strip().lower() for h in headers.get_all("Transfer-Encoding", []) for v in h.split(",")
    ]
    if encodings:
        if encodings != ["chunked"]:
            raise BodyError(
                400,
                "VALIDATION_ERROR",
                f"Transfer-Encoding {', '.join(encodings)} is not supported: send chunked or "
                "a Content-Length",
            )
        return reader.chunked()
    return reader.exactly(content_length(headers, limit))


def content_length(headers: Message, limit: int = MAX_BODY) -> int:
    """The declared length: 0 when there is none; one run of digits, however often repeated."""
    values = sorted(
        {v.strip() for h in headers.get_all("Content-Length", []) for v in h.split(",")}
    )
    if not values:
        return 0
    if len(values) > 1 or not _DIGITS.fullmatch(values[0]):
        shown = ", ".join(values)
        raise BodyError(
            400, "VALIDATION_ERROR", f"Content-Length {shown!r} is not a number of bytes"
        )
    # a 40-digit length is refused before int() turns it into a number
    if len(values[0]) > 12 or int(values[0]) > limit:
        raise BodyError(413, "PAYLOAD_TOO_LARGE", f"the body is larger than {limit} bytes")
    return int(values[0])


class _Reader:
    """Reads under one deadline: the socket's timeout is what is left of it before each read."""

    def __init__(
        self, rfile: io.BufferedReader, sock: socket.socket, deadline: float, limit: int
    ) -> None:
        self.rfile = rfile
        self.sock = sock
        self.deadline = deadline
        self.limit = limit

    def _arm(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self.sock.settimeout(left)

    # read1 and peek make at most one read of the socket each: a body that trickles in a byte at
    # a time meets the deadline too, which one read(n) of it all would not
    def exactly(self, length: int) -> bytes:
        pieces: list[bytes] = []
        got = 0
        while got < length:
            self._arm()
            piece = self.rfile.read1(min(_PIECE, length - got))
            if not piece:
                raise BodyError(
                    400,
                    "VALIDATION_ERROR",
                    f"the body ended early: {got} of {length} bytes arrived",
                )
            pieces.append(piece)
            got += len(piece)
        return b"".join(pieces)

    def _line(self) -> bytes:
        line = b""
        while not line.endswith(b"\n"):
            self._arm()
            seen = self.rfile.peek(1)
            if not seen:
                raise BodyError(
                    400, "VALIDATION_ERROR", "the chunked body ended before its last chunk"
                )
            end = seen.find(b"\n")
            line += self.rfile.read(end + 1 if end >= 0 else len(seen))
            if len(line) > _MAX_LINE:
                raise BodyError(400, "VALIDATION_ERROR", "a line of the chunked body is too long")
        return line

    def chunked(self) -> bytes:
        pieces: list[bytes] = []
        total = 0
        while True:
            line = self._line()
            match = _CHUNK_SIZE.fullmatch(line)
            if match is None:
                raise BodyError(
                    400, "VALIDATION_ERROR", f"{line[:40]!r} is not the size of a chunk"
                )
            size = int(match.group(1), 16)
            if size == 0:
                break
            total += size
            if total > self.limit:
                raise BodyError(
                    413, "PAYLOAD_TOO_LARGE", f"the body is larger than {self.limit} bytes"
                )
            pieces.append(self.exactly(size))
            if self._line() not in (b"\r\n", b"\n"):
                raise BodyError(400, "VALIDATION_ERROR", "a chunk is longer than its size says")
        for _ in range(_MAX_TRAILERS):  # trailer fields, then the empty line that ends the body
            if self._line() in (b"\r\n", b"\n"):
                return b"".join(pieces)
        raise BodyError(400, "VALIDATION_ERROR", "the chunked body has too many trailer lines")
