"""The React frontend (frontend/): install, build and check it for `make up` and `make test`.

    .venv/bin/python scripts/frontend_build.py build    # npm ci when needed, then a build if stale
    .venv/bin/python scripts/frontend_build.py test     # the `frontend` component of `make test`

`make up` builds the app only when its sources changed since the last build, so the gateway
serves the current code without a rebuild each time. `make test` always runs every step of
test() (the browser tests need the build), each a test case in ``<results>/frontend-checks.xml``,
Vitest's own cases in ``<results>/frontend.xml``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import infra
import run_tests
import test_summary
from services import ROOT

FRONTEND = ROOT / "frontend"
DIST_INDEX = FRONTEND / "dist" / "index.html"
LOCK = FRONTEND / "package-lock.json"
# Written into node_modules after `npm ci`: the lock file it was installed from.
LOCK_STAMP = FRONTEND / "node_modules" / ".ems-lock-sha256"
BUILD_INPUTS = ("src", "public", "index.html", "package-lock.json", "vite.config.ts")
CHROMIUM = Path("/usr/bin/chromium")
NODE_MAJOR = 20


Step = test_summary.Outcome  # each step counts as a test case of frontend-checks


def npm_binary() -> str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise infra.SetupError(
            f"Node.js {NODE_MAJOR}+ with npm is needed for the frontend: install it "
            "(for example `apt-get install nodejs npm` on a Debian with Node 20) and run again"
        )
    return npm


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def needs_install() -> bool:
    """node_modules missing, or installed from another package-lock.json."""
    return not LOCK_STAMP.is_file() or LOCK_STAMP.read_text().strip() != lock_digest()


def newest_source_mtime() -> float:
    names = (*BUILD_INPUTS, *(p.name for p in FRONTEND.glob("tsconfig*.json")))
    paths = (FRONTEND / name for name in names)
    files = (file for path in paths for file in (path.rglob("*") if path.is_dir() else [path]))
    return max((file.stat().st_mtime for file in files if file.is_file()), default=0.0)


def run_step(name: str, command: list[str], env: Mapping[str, str], *, echo: bool) -> Step:
    print(f"+ frontend: {name}", flush=True)
    step_env = {**env, "CI": env.get("CI", "true"), "NO_COLOR": "1"}
    step = run_tests.run(shlex.join(command), step_env, cwd=FRONTEND, capture=not echo)
    print(step.output, end="", flush=True)
    return replace(step, name=name)


def install(env: Mapping[str, str], *, echo: bool = True) -> Step | None:
    """`npm ci` when node_modules is missing or stale against package-lock.json."""
    if not needs_install():
        return None
    step = run_step("npm ci", [npm_binary(), "ci", "--no-audit", "--no-fund"], env, echo=echo)
    if step.code == 0:
        LOCK_STAMP.write_text(lock_digest() + "\n")
    return step


def ensure_built(env: Mapping[str, str]) -> None:
    """For `make up`: install and build only when needed; a failure stops `make up` loudly."""
    step = install(env)
    if step and step.code:
        raise infra.SetupError("frontend: `npm ci` failed (output above)")
    if DIST_INDEX.is_file() and DIST_INDEX.stat().st_mtime >= newest_source_mtime():
        print("frontend: build is current (frontend/dist)", flush=True)
        return
    step = run_step("npm run build", [npm_binary(), "run", "build"], env, echo=True)
    if step.code:
        raise infra.SetupError("frontend: `npm run build` failed (output above)")


def ensure_chromium() -> Step:
    """The browser tests' Chromium, from Debian's packages (never a downloaded browser build)."""
    started = time.monotonic()
    if CHROMIUM.is_file():
        return Step("chromium present", 0, 0.0, "")
    try:
        infra.apt_install(["chromium"])
    except infra.SetupError as exc:
        message = f"{exc.code}\nthe browser tests cannot run without {CHROMIUM}"
        print(message, flush=True)
        return Step("chromium install", 1, time.monotonic() - started, message)
    missing = "" if CHROMIUM.is_file() else f"apt-get installed chromium but {CHROMIUM} is missing"
    return Step("chromium install", 1 if missing else 0, time.monotonic() - started, missing)


def test(env: Mapping[str, str], results_dir: Path) -> int:
    """Prettier, lint, type-check, build and unit-test the frontend; each failure is counted."""
    steps: list[Step] = [ensure_chromium()]
    try:
        npm = npm_binary()
    except infra.SetupError as exc:
        steps.append(Step("node and npm", 1, 0.0, str(exc.code)))
        test_summary.write_junit(results_dir / "frontend-checks.xml", "frontend-checks", steps)
        return 1
    installed = install(env, echo=False)
    if installed:
        steps.append(installed)
    if not installed or installed.code == 0:
        # The generated API types against the services' current schemas (scripts/api_types.py).
        api_types = [sys.executable, str(ROOT / "scripts" / "api_types.py"), "--check"]
        steps.append(run_step("api types current", api_types, env, echo=False))
        steps.append(run_step("prettier", [npm, "run", "format:check"], env, echo=False))
        steps.append(run_step("eslint", [npm, "run", "lint"], env, echo=False))
        steps.append(run_step("tsc", [npm, "run", "typecheck"], env, echo=False))
        # Vite alone: tsc just ran as its own step.
        steps.append(run_step("vite build", [npm, "exec", "--", "vite", "build"], env, echo=False))
        junit = results_dir / "frontend.xml"
        vitest = [npm, "exec", "--", "vitest", "run", "--reporter=default", "--reporter=junit"]
        vitest.append(f"--outputFile.junit={junit}")
        step = run_step("vitest", vitest, env, echo=False)
        if step.code != 0 and not junit.is_file():
            steps.append(step)  # it crashed before reporting: count that as a failure here
    test_summary.write_junit(results_dir / "frontend-checks.xml", "frontend-checks", steps)
    # Vitest's failures are counted from frontend.xml; the exit code speaks for these steps.
    return 0 if all(s.code == 0 for s in steps) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="npm ci when needed, then build when sources changed")
    run_tests = commands.add_parser("test", help="lint, tsc, build, vitest with JUnit reports")
    run_tests.add_argument("results", type=Path, help="folder for the JUnit XML files")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.command == "build":
        ensure_built(env)
        return 0
    args.results.mkdir(parents=True, exist_ok=True)
    return test(env, args.results)


if __name__ == "__main__":
    sys.exit(main())
