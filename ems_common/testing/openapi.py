"""Is a response what the service's OpenAPI schema documents? For a service's own tests.

    assert_documented(response, "POST", "/api/devices/")

fails unless the response's status code is documented for that operation and its body matches
the documented schema (schemathesis validates it, as the fuzzer in tests/e2e does). The schema
is generated from the service's code, as ``/api/<service>/schema/`` serves it.
"""

from __future__ import annotations

import functools
from typing import Any

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response


@functools.cache
def service_schema() -> Any:
    return schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


def assert_documented(response: Any, method: str, path: str) -> None:
    """``response`` (Django's test client's) to ``method path`` (a path template)."""
    operation = service_schema()[path][method]
    documented = operation.definition.raw["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {path}: {status} is not documented ({list(documented)})"
    headers = {name: [value] for name, value in response.headers.items()}
    request = requests.Request(method, f"http://testserver{path}").prepare()
    converted = Response(
        response.status_code, headers, response.content, request, elapsed=0.0, verify=False
    )
    operation.validate_response(converted)
