"""PostgreSQL array parameters as text: one parameter each, parsed by the server, cheap to build
(psycopg's list dumping costs more per element than the statement that reads it)."""

from __future__ import annotations

from collections.abc import Iterable


def array_literal(items: Iterable[str]) -> str:
    """A PostgreSQL array literal of items that need no quoting (UUIDs, ISO instants, numbers)."""
    return "{" + ",".join(items) + "}"
