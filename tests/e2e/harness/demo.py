"""The first-run demo (scripts/demo.py) run once against a stack: its account and a week of data."""

from __future__ import annotations

import subprocess

from services import run_captured

from harness.stack import PYTHON, ROOT, Stack

DEMO_SCRIPT = ROOT / "scripts" / "demo.py"


def run_demo_once(stack: Stack, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``demo.py --once`` (set up and backfill, no live simulator); fails the test if it fails."""
    command = [str(PYTHON), str(DEMO_SCRIPT), "--once", "--timeout", "60"]
    result = run_captured(command, stack.env, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result
