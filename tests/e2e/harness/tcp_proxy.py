"""A TCP proxy inside the test process, so a test can take the broker away from the services.

The stack's services reach RabbitMQ only through this proxy. ``down()`` cuts every proxied
connection and closes the listening socket, so new connections are refused as by a stopped
broker; ``up()`` listens on the same port again. The machine's RabbitMQ, which other runs may
use, is never touched.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

ACCEPT_POLL_SECONDS = 0.1
CONNECT_TIMEOUT_SECONDS = 5.0
BUFFER_SIZE = 65536


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int, listen_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.host = listen_host
        self.port = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stop = threading.Event()

    # --- control ----------------------------------------------------------------------

    @property
    def is_up(self) -> bool:
        return self._listener is not None

    def up(self) -> None:
        """Accept connections (again, on the same port once it has one)."""
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(128)
            listener.settimeout(ACCEPT_POLL_SECONDS)
            self.port = listener.getsockname()[1]
            self._listener = listener
            self._stop = threading.Event()
            self._acceptor = threading.Thread(
                target=self._accept_loop, args=(listener, self._stop), daemon=True
            )
            self._acceptor.start()

    def down(self) -> None:
        """Refuse new connections and cut every open one; returns once both hold."""
        with self._lock:
            listener, acceptor = self._listener, self._acceptor
            self._listener = self._acceptor = None
            self._stop.set()
            open_sockets = list(self._sockets)
            self._sockets.clear()
        if acceptor is not None:
            acceptor.join()
        if listener is not None:
            listener.close()
        for sock in open_sockets:
            _close(sock)

    def close(self) -> None:
        self.down()

    @property
    def connection_count(self) -> int:
        """Open client connections (each has an upstream twin, counted once)."""
        with self._lock:
            return len(self._sockets) // 2

    # --- plumbing -----------------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            if stop.is_set():
                _close(client)
                return
            self._connect(client, stop)

    def _connect(self, client: socket.socket, stop: threading.Event) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=CONNECT_TIMEOUT_SECONDS)
        except OSError:
            _close(client)  # like the broker: nobody there
            return
        upstream.settimeout(None)
        # Forward each write at once: with Nagle's algorithm on top of the peers' delayed ACKs,
        # every publish-and-wait-for-confirm round trip took ~40 ms through the proxy.
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if stop.is_set():
                _close(client)
                _close(upstream)
                return
            self._sockets.update((client, upstream))
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(BUFFER_SIZE):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(target)
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        sock.close()
