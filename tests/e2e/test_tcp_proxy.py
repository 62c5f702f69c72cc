"""The broker-outage proxy itself, against a local echo server (no stack needed)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from harness import TcpProxy


@pytest.fixture
def echo_server() -> Iterator[int]:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    def echo(connection: socket.socket) -> None:
        with connection:
            while data := connection.recv(1024):
                connection.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield port
    listener.close()


@pytest.fixture
def proxy(echo_server: int) -> Iterator[TcpProxy]:
    tcp_proxy = TcpProxy("127.0.0.1", echo_server)
    tcp_proxy.up()
    yield tcp_proxy
    tcp_proxy.close()


def roundtrip(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
        client.sendall(payload)
        return client.recv(1024)


def test_proxy_forwards_both_ways(proxy: TcpProxy) -> None:
    assert roundtrip(proxy.port, b"ping") == b"ping"


def test_down_cuts_open_connections(proxy: TcpProxy) -> None:
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    client.sendall(b"x")
    assert client.recv(16) == b"x"

    proxy.down()

    with client, contextlib.suppress(ConnectionResetError):
        assert client.recv(16) == b""


def test_down_refuses_new_connections(proxy: TcpProxy) -> None:
    proxy.down()

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2)


def test_up_accepts_again_on_the_same_port(proxy: TcpProxy) -> None:
    port = proxy.port
    proxy.down()

    proxy.up()

    assert proxy.port == port
    assert roundtrip(port, b"back") == b"back"
