"""The e2e harness: a private EMS stack per test session (stack.py), its processes
(processes.py) and a TCP proxy that can take RabbitMQ away from the services (tcp_proxy.py)."""

import sys
from pathlib import Path

# scripts/: the stack's own description of itself (services.py), for the tests and bench/ alike.
sys.path.append(str(Path(__file__).resolve().parents[3] / "scripts"))

from harness.stack import Credentials, Stack, StackError  # noqa: E402
from harness.tcp_proxy import TcpProxy  # noqa: E402

__all__ = ["Credentials", "Stack", "StackError", "TcpProxy"]
