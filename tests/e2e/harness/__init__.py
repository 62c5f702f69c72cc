"""The e2e harness: a private EMS stack per test session (stack.py), its processes
(processes.py) and a TCP proxy that can take RabbitMQ away from the services (tcp_proxy.py)."""

from harness.stack import Credentials, Stack, StackError
from harness.tcp_proxy import TcpProxy

__all__ = ["Credentials", "Stack", "StackError", "TcpProxy"]
