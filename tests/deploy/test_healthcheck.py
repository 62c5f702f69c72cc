"""deploy/healthcheck.py, the containers' health checks, run here against real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

from services import ROOT

HEALTHCHECK = [sys.executable, str(ROOT / "deploy" / "healthcheck.py")]


def check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HEALTHCHECK, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_worker_is_healthy_while_its_process_runs() -> None:
    word = f"consume_{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", word])
    try:
        result = check("worker", word)
        assert result.returncode == 0, result.stdout
    finally:
        worker.kill()
        worker.wait()
    result = check("worker", word)
    assert result.returncode == 1
    assert word in result.stdout


def test_worker_is_unhealthy_when_the_broker_is_unreachable() -> None:
    word = f"consume_{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", word])
    try:
        result = check("worker", word, RABBITMQ_HOST="127.0.0.1", RABBITMQ_PORT=str(closed_port()))
    finally:
        worker.kill()
        worker.wait()
    assert result.returncode == 1
    assert "rabbitmq" in result.stdout


def test_worker_of_a_cluster_is_healthy_while_any_node_answers() -> None:
    word = f"consume_{uuid.uuid4().hex[:8]}"
    rabbitmq = (
        f"{os.environ.get('RABBITMQ_HOST', '127.0.0.1')}:{os.environ.get('RABBITMQ_PORT', '5672')}"
    )
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", word])
    try:
        one_gone = check("worker", word, RABBITMQ_HOST=f"127.0.0.1:{closed_port()},{rabbitmq}")
        all_gone = check(
            "worker", word, RABBITMQ_HOST=f"127.0.0.1:{closed_port()},127.0.0.1:{closed_port()}"
        )
    finally:
        worker.kill()
        worker.wait()
    assert one_gone.returncode == 0, one_gone.stdout
    assert all_gone.returncode == 1
    assert "rabbitmq at 127.0.0.1:" in all_gone.stdout


def test_url_check_needs_a_200() -> None:
    result = check("url", f"http://127.0.0.1:{closed_port()}/api/auth/health/")
    assert result.returncode == 1
    assert "Connection refused" in result.stdout
