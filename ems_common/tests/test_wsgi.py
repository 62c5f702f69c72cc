"""A service's WSGI app has imported its URLconf before the first request arrives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from ems_common.wsgi import service_application
assert "ems_common.tests.urls" not in sys.modules
service_application("ems_common.tests.settings")
print("ems_common.tests.urls" in sys.modules)
"""


def test_wsgi_application_imports_the_urlconf_up_front() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
