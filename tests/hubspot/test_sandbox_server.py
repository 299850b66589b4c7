"""The sandbox's loopback server: every request gets an answer in HubSpot's error shape, bodies
arrive by Content-Length or chunked, and no connection holds a thread forever."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Faults, SandboxServer
from tests.hubspot.test_sandbox import UPSERT, event, make_sandbox


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = make_sandbox(rate_limit=None)
    with SandboxServer(sandbox, body_timeout=0.5, idle_timeout=1.0, max_body=10_000) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def connect(server: SandboxServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5)


def receive(sock: socket.socket) -> Answer:
    """One response off the socket (it must come within the socket's timeout)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        assert piece, f"the server closed the connection without an answer: {data!r}"
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        piece = sock.recv(65536)
        assert piece
        rest += piece
    return Answer(int(lines[0].split()[1]), headers, json.loads(rest[:length]))


def closed(sock: socket.socket) -> bool:
    """The server closes the connection (within the socket's timeout)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def request(body: bytes, *framing: str, path: str = UPSERT) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: sandbox", f"Authorization: Bearer {DEFAULT_TOKEN}"]
    return ("\r\n".join([*head, *framing, "", ""])).encode() + body


def assert_hubspot_error(answer: Answer, status: int) -> None:
    assert answer.status == status
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.body["status"] == "error"
    assert answer.body["message"]
    assert answer.body["category"]
    assert answer.body["correlationId"]


BATCH = json.dumps({"inputs": [event(1)]}).encode()


def test_server_over_loopback(server: SandboxServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    ) as http:
        created = http.post(UPSERT, json={"inputs": [event(1), event(2)]})
        assert created.status_code == 200
        assert created.headers["content-type"].startswith("application/json")
        assert len(created.json()["results"]) == 2
        assert http.post(UPSERT, json={"inputs": [{"bad": 1}]}).status_code == 400
    with httpx.Client(base_url=server.base_url) as anonymous:
        assert anonymous.post(UPSERT, json={"inputs": [event(1)]}).status_code == 401


def test_server_drops_connections_when_told() -> None:
    sandbox = make_sandbox(rate_limit=None, faults=Faults(dropped=1.0))
    with (
        SandboxServer(sandbox) as running,
        httpx.Client(base_url=running.base_url) as http,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        http.post(UPSERT, json={"inputs": [event(1)]})


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        (["Content-Length: abc"], 400),
        (["Content-Length: -5"], 400),
        (["Content-Length: +5"], 400),
        (["Content-Length: 1e3"], 400),
        (["Content-Length: 5, 6"], 400),
        (["Content-Length: 5", "Content-Length: 6"], 400),
        (["Content-Length: 99999999999999999999999999"], 413),
        (["Content-Length: 10001"], 413),  # over the server's max_body
        (["Transfer-Encoding: gzip"], 400),
        (["Transfer-Encoding: gzip, chunked"], 400),
    ],
)
def test_framing_it_cannot_read_is_answered_then_the_connection_closed(
    server: SandboxServer, framing: list[str], status: int
) -> None:
    with connect(server) as sock:
        sock.sendall(request(b"{}", *framing))
        answer = receive(sock)
        assert_hubspot_error(answer, status)
        assert answer.headers["connection"] == "close"
        assert closed(sock)
    assert server.sandbox.events == {}


def test_a_body_shorter_than_its_length_times_out_with_408(server: SandboxServer) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(request(BATCH[:10], f"Content-Length: {len(BATCH)}"))
        answer = receive(sock)
        waited = time.monotonic() - started
        assert_hubspot_error(answer, 408)
        assert "0.5 seconds" in answer.body["message"]
        assert closed(sock)
    assert 0.4 < waited < 3


def test_a_body_that_trickles_in_times_out_all_the_same(server: SandboxServer) -> None:
    # a byte every 0.1 s: never a 0.5 s wait for one read, only a deadline for the body stops it
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(request(b"", f"Content-Length: {len(BATCH)}"))
        for byte in BATCH:
            if select.select([sock], [], [], 0.1)[0]:  # the server has answered
                break
            sock.sendall(bytes([byte]))
        assert_hubspot_error(receive(sock), 408)
    assert time.monotonic() - started < 1.5


def test_an_idle_connection_is_closed(server: SandboxServer) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(b"POST / HTTP/1.1\r\nHost: sand")  # and then nothing
        assert closed(sock)
    assert 0.8 < time.monotonic() - started < 4


def chunked(body: bytes, *, sizes: tuple[int, ...] = (7, 50)) -> bytes:
    out = b""
    rest = body
    for size in sizes:
        piece, rest = rest[:size], rest[size:]
        out += f"{len(piece):x};note=x\r\n".encode() + piece + b"\r\n"
    out += f"{len(rest):X}\r\n".encode() + rest + b"\r\n"
    return out + b"0\r\nX-Trailer: yes\r\n\r\n"


def test_a_chunked_body_is_read_and_the_connection_kept(server: SandboxServer) -> None:
    with connect(server) as sock:
        sock.sendall(request(chunked(BATCH), "Transfer-Encoding: chunked"))
        first = receive(sock)
        assert first.status == 200
        assert first.body["results"][0]["eventName"] == "Event 1"
        second = json.dumps({"inputs": [event(2)]}).encode()
        sock.sendall(request(second, f"Content-Length: {len(second)}"))
        assert receive(sock).status == 200
    assert {key[2] for key in server.sandbox.events} == {"E1", "E2"}


def test_with_both_framings_chunked_wins_and_the_connection_closes(server: SandboxServer) -> None:
    # a Content-Length beside chunked is how requests are smuggled: read chunked, then hang up
    with connect(server) as sock:
        sock.sendall(request(chunked(BATCH), "Transfer-Encoding: chunked", "Content-Length: 3"))
        answer = receive(sock)
        assert answer.status == 200
        assert answer.headers["connection"] == "close"
        assert closed(sock)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"zz\r\n{}\r\n0\r\n\r\n", 400),  # not a size
        (b"0x2\r\n{}\r\n0\r\n\r\n", 400),  # int(x, 16) would take it; HTTP does not
        (b"2\r\n{}}\r\n0\r\n\r\n", 400),  # longer than its size
        (b"1" * 5000 + b"\r\n", 400),  # a size line no server would read
        (b"2711\r\n", 413),  # 10,001 bytes: over max_body
    ],
)
def test_a_chunked_body_it_cannot_read_is_a_4xx(
    server: SandboxServer, body: bytes, status: int
) -> None:
    with connect(server) as sock:
        sock.sendall(request(body, "Transfer-Encoding: chunked"))
        assert_hubspot_error(receive(sock), status)
        assert closed(sock)


def test_a_chunked_body_that_stops_times_out(server: SandboxServer) -> None:
    with connect(server) as sock:
        sock.sendall(request(b"20\r\n{", "Transfer-Encoding: chunked"))
        assert_hubspot_error(receive(sock), 408)


def test_http_servers_own_refusals_are_json_too(server: SandboxServer) -> None:
    many = [f"X-Header-{n}: {n}" for n in range(120)]
    with connect(server) as sock:
        sock.sendall(request(b"", *many))
        assert_hubspot_error(receive(sock), 431)


def test_after_a_400_the_connection_serves_the_next_request(server: SandboxServer) -> None:
    with connect(server) as sock:
        bad = b'{"inputs": [[[[[]]]]]}'
        sock.sendall(request(bad, f"Content-Length: {len(bad)}"))
        assert_hubspot_error(receive(sock), 400)
        sock.sendall(request(BATCH, f"Content-Length: {len(BATCH)}"))
        assert receive(sock).status == 200


def test_a_failure_of_the_sandbox_is_a_500_not_a_dropped_connection(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(server.sandbox, "handle", broken)
    with connect(server) as sock:
        for _ in range(2):  # the connection stays usable
            sock.sendall(request(BATCH, f"Content-Length: {len(BATCH)}"))
            answer = receive(sock)
            assert_hubspot_error(answer, 500)
            assert "RuntimeError: a bug" in answer.body["message"]
