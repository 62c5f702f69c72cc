"""What a service's domain refuses, said without HTTP.

Domain modules (services, consumers, commands) raise these; they never import DRF's HTTP
exceptions. The API's exception handler (ems_common.errors) turns them into the one error format:
InvalidField into a 400 naming the field or parameter, NotFound into a 404, NotAuthenticated
into a 401 with its code, TryLater into a 429 with Retry-After, Unavailable into a 503 with
its code.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; ``str()`` says why."""


class InvalidField(DomainError):
    """A value the domain cannot accept; ``field`` names the body field or query parameter."""

    def __init__(self, field: str, *messages: str, code: str = "invalid") -> None:
        super().__init__("; ".join(messages))
        self.field = field
        self.messages = list(messages)
        self.code = code


class NotFound(DomainError):
    """No such object, or not one the caller may see (both answer the same)."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class NotAuthenticated(DomainError):
    """Credentials or a token the domain refuses; ``code`` tells the client which case it is."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class TryLater(DomainError):
    """Refused for now: the caller may ask again after ``wait`` seconds."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class Unavailable(DomainError):
    """Something the domain needs (e.g. RabbitMQ's management API) cannot be reached now."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
