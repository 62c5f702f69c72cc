"""Running one scenario of ``frontend/e2e/browser.mjs`` (or its ``scenarios/*.mjs``) in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from harness.stack import ROOT

SCENARIOS = ROOT / "frontend" / "e2e" / "browser.mjs"
TZ = "Europe/Bucharest"  # the browser's zone: local days differ from UTC days


def results_dir() -> Path:
    run_id = os.environ.get("EMS_TEST_RUN_ID") or "local"
    folder = ROOT / "var" / "test-results" / run_id / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def browser(scenario: str, **arguments: Any) -> dict[str, Any]:
    """Run one scenario; its JSON report (a failed step fails here, with its message)."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the browser tests (frontend/README.md)"
    arguments.setdefault("screenshotDir", str(results_dir()))
    arguments.setdefault("tz", TZ)
    result = subprocess.run(
        [node, str(SCENARIOS), scenario, json.dumps(arguments)],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"{scenario}: no report (exit {result.returncode})\n{result.stderr[-4000:]}"
    report: dict[str, Any] = json.loads(lines[-1])
    assert report.get("ok"), f"{scenario} failed: {json.dumps(report, indent=2)[:6000]}"
    assert report["consoleErrors"] == [], f"{scenario}: console errors {report['consoleErrors']}"
    assert report["cspViolations"] == [], f"{scenario}: blocked by CSP {report['cspViolations']}"
    return report
