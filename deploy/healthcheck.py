"""Container health checks of the compose deployment (deploy/docker-compose.yml); stdlib only.

    python deploy/healthcheck.py url http://127.0.0.1:8000/api/auth/health/
    python deploy/healthcheck.py worker relay_outbox

``url``: the address answers 200 within 4 s (a web process: its /health/ checks the database and
the broker itself). ``worker``: a process whose command line holds the given word is running
(not a zombie), and PostgreSQL and RabbitMQ (POSTGRES_HOST/PORT, RABBITMQ_HOST/PORT; for a
cluster, any node of RABBITMQ_HOST's ``host[:port],...``) accept connections, i.e. the consumer
or relay can do its work. Exit code 0 healthy, 1 not, with the
reason on stdout (``docker inspect`` shows it).
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

TIMEOUT = 4.0


def check_url(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}"
    except OSError as exc:
        return f"{url}: {exc}"
    return None if status == 200 else f"{url} answered {status}"


def process_running(word: str) -> bool:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # the process ended while we looked
            continue
        if word in command.split() and state != "Z":
            return True
    return False


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT):
            return True
    except OSError:
        return False


def check_worker(word: str) -> str | None:
    if not process_running(word):
        return f"no running process with {word!r} in its command line"
    for name, default_port in (("POSTGRES", 5432), ("RABBITMQ", 5672)):
        hosts = os.environ.get(f"{name}_HOST", "127.0.0.1")
        port = int(os.environ.get(f"{name}_PORT") or default_port)
        nodes = [node(entry, port) for entry in hosts.split(",")]
        if not any(reachable(host, node_port) for host, node_port in nodes):
            where = ",".join(f"{host}:{node_port}" for host, node_port in nodes)
            return f"{name.lower()} at {where} does not accept connections"
    return None


def node(entry: str, port: int) -> tuple[str, int]:
    """``host`` or ``host:port`` (RABBITMQ_HOST's form for a cluster's nodes)."""
    host, colon, number = entry.strip().rpartition(":")
    return (host, int(number)) if colon else (entry.strip(), port)


def main(argv: list[str]) -> int:
    checks = {"url": check_url, "worker": check_worker}
    if len(argv) != 2 or argv[0] not in checks:
        print(__doc__)
        return 2
    problem = checks[argv[0]](argv[1])
    print(problem or "healthy")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
