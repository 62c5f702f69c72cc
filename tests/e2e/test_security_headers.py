"""The security headers of the real gateway (the stack's nginx), on pages, assets and the API.

The values are the ones docs/SECURITY.md promises, written out here rather than read from
scripts/security_headers.py, so a change there that weakens them fails. That the app works under
this policy in a browser, with nothing blocked, is test_browser.py's
test_the_pages_work_under_the_content_security_policy.
"""

from __future__ import annotations

import re

import pytest
import requests
from harness import Stack
from harness.headers import csp_directives
from harness.stack import ROOT

# The frontend's policy: only its own origin for everything, nothing inline, no framing.
APP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
EVERYWHERE = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
ASSET = re.compile(r'src="(/assets/[^"]+\.js)"')


def get(stack: Stack, path: str) -> requests.Response:
    return requests.get(stack.url(path), timeout=10, allow_redirects=False)


def assert_everywhere_headers(response: requests.Response) -> None:
    for name, value in EVERYWHERE.items():
        # requests joins a repeated header with ", ": equality also means it came once.
        assert response.headers.get(name) == value, (response.url, name, response.headers)


def app_asset() -> str:
    index = (ROOT / "frontend" / "dist" / "index.html").read_text()
    match = ASSET.search(index)
    assert match, "no script in frontend/dist/index.html"
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/login", "/energy?date=2025-06-01", "asset", "/nope.js"])
def test_frontend_responses_carry_the_strict_policy(stack: Stack, path: str) -> None:
    response = get(stack, app_asset() if path == "asset" else path)
    assert response.status_code in (200, 404), response.status_code
    assert csp_directives(response.headers["Content-Security-Policy"]) == APP_POLICY
    assert_everywhere_headers(response)


def test_the_app_shell_has_no_inline_script_or_style(stack: Stack) -> None:
    # What the strict policy relies on: index.html loads its code and styles from files.
    html = get(stack, "/login").text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/auth/health/", 200),
        ("GET", "/api/devices/", 401),  # an error answer carries them too
        ("POST", "/api/auth/login/", 400),
    ],
)
def test_api_responses_may_not_be_framed_or_sniffed(
    stack: Stack, method: str, path: str, status: int
) -> None:
    response = requests.request(method, stack.url(path), json={}, timeout=10)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert csp_directives(response.headers["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    assert_everywhere_headers(response)


@pytest.mark.parametrize("service", ["auth", "users", "devices", "monitoring"])
def test_swagger_ui_gets_its_own_policy_with_scripts_from_files_only(
    stack: Stack, service: str
) -> None:
    response = get(stack, f"/api/{service}/docs/")
    assert response.status_code == 200
    policy = csp_directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # Swagger UI's page has one inline <style>; scripts stay files (the split view).
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.text) == []
    assert_everywhere_headers(response)
