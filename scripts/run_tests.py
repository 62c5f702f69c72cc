"""`make test`: the stack's setup, static checks, every pytest component, the deployment, a summary.

The deployment test runs in the background beside the unit tests' pytest (ems_common, the
services, the simulator), and is waited for before tests/deploy and e2e (BESIDE_DEPLOYMENT).

Each run has its own id (EMS_TEST_RUN_ID), test databases named after it (ems_common.settings),
and its own RabbitMQ vhost ``ems-test-<id>``, deleted at the end: a run never touches the data
of a running `make up`, nor another run's. Every component runs even when one fails; the exit
code is non-zero if anything failed, and the last line is the summary's ``N passed, N failed``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import infra
import test_summary
from services import (
    PYTHON,
    ROOT,
    VENV_BIN,
    child_environment,
    manage_command,
    present_services,
)
from test_summary import Outcome

TIMED_OUT = 124
# Top-level folders of standalone scripts, type-checked on their own (their module names are
# top-level too, and could clash with each other's).
EXTRA_MYPY_FOLDERS = ("bench", "deploy", "device_simulator")
# The Django settings of the mypy runs outside a service: ems_common's own tests'.
SHARED_SETTINGS = "ems_common.tests.settings"


@dataclass
class Check:
    name: str
    command: str
    cwd: Path = ROOT


def run(
    command: str, env: Mapping[str, str], *, cwd: Path = ROOT, capture: bool = False
) -> Outcome:
    """A shell command in its own process group, killed whole when it overruns its time."""
    timeout = float(env.get("EMS_TEST_TIMEOUT") or 1200)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        shell=True,
        cwd=cwd,
        env=dict(env),
        start_new_session=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        code = process.returncode
    except subprocess.TimeoutExpired:
        # SIGTERM first: the e2e fixture then stops its stack and drops its databases.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        print(f"timed out after {timeout:.0f} s: {command}", flush=True)
        code = TIMED_OUT
    return Outcome(command, code, time.monotonic() - started, output or "")


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def mypy_command(settings_module: str, arguments: str) -> str:
    """mypy with django-stubs' plugin, which loads the Django settings the run names."""
    return f"DJANGO_SETTINGS_MODULE={settings_module} {VENV_BIN}/mypy {arguments}"


def static_checks() -> list[Check]:
    checks = [
        Check("ruff check", f"{VENV_BIN}/ruff check ."),
        Check("ruff format", f"{VENV_BIN}/ruff format --check ."),
    ]
    for folders in ("ems_common scripts tests/e2e tests/deploy", *EXTRA_MYPY_FOLDERS):
        checks.append(Check(f"mypy {folders}", mypy_command(SHARED_SETTINGS, folders)))
    config = f"--config-file {ROOT / 'pyproject.toml'} ."
    for service in present_services(quiet=True):
        # One mypy per service: every service has its own manage.py, conftest and tests package.
        mypy = mypy_command(f"{service.project}.settings", config)
        migrations = manage_command(service, "makemigrations --check --dry-run")
        schema = manage_command(service, "spectacular --validate --fail-on-warn --file /dev/null")
        checks += [
            Check(f"mypy {service.folder}", mypy, cwd=service.path),
            Check(f"makemigrations --check {service.folder}", migrations),
            Check(f"OpenAPI schema {service.folder}", schema),
        ]
    return checks


def run_checks(env: Mapping[str, str], results_dir: Path, setup_result: Outcome | None) -> bool:
    """Static checks as test cases of a ``checks`` component, so the summary counts them."""
    outcomes = [setup_result] if setup_result else []
    for check in static_checks():
        banner(check.name)
        result = run(check.command, env, cwd=check.cwd, capture=True)
        print(result.output, end="", flush=True)
        outcomes.append(Outcome(check.name, result.code, result.seconds, result.output))
    test_summary.write_junit(results_dir / "checks.xml", "checks", outcomes)
    return all(outcome.code == 0 for outcome in outcomes)


def pytest_components() -> list[tuple[str, str, Path]]:
    """(component, pytest arguments, working folder), each with its own Django settings."""
    components = [("ems_common", "-c ems_common/pytest.ini ems_common", ROOT)]
    components += [(service.folder, "", service.path) for service in present_services(quiet=True)]
    components.append(("device_simulator", "-c device_simulator/pytest.ini device_simulator", ROOT))
    components.append(("deploy", "-c tests/deploy/pytest.ini tests/deploy", ROOT))
    components.append(("e2e", "-c tests/e2e/pytest.ini tests/e2e", ROOT))
    return components


# The pytest components that may run beside the deployment test: they install nothing with
# apt-get that it does not wait for (infra.apt_install's lock), touch no Docker and no var/deploy,
# and time nothing to the browser's pace (tests/deploy and e2e come after it).
BESIDE_DEPLOYMENT = ("ems_common", "device_simulator")


def beside_deployment(name: str) -> bool:
    return name in BESIDE_DEPLOYMENT or name in {s.folder for s in present_services(quiet=True)}


def run_pytest(
    env: Mapping[str, str], results_dir: Path, only: list[str], which: Callable[[str], bool]
) -> dict[str, int]:
    codes: dict[str, int] = {}
    for name, args, cwd in pytest_components():
        if (only and name not in only) or not which(name):
            continue
        banner(f"pytest {name}")
        junit = results_dir / f"{name}.xml"
        result = run(f"{VENV_BIN}/pytest {args} --junitxml {junit}", env, cwd=cwd)
        codes[name] = result.code
        print(f"--- {name}: exit code {result.code} in {result.seconds:.0f} s", flush=True)
    return codes


def deployment_outcome(deployment: Future[Outcome]) -> int:
    """Wait for the deployment test; print its output; its exit code."""
    banner("deployment test's output (tests/deploy/compose_run.py)")
    result = deployment.result()
    print(result.output, end="", flush=True)
    print(f"--- deployment: exit code {result.code} in {result.seconds:.0f} s", flush=True)
    return result.code


def drop_leftover_databases(env: Mapping[str, str], run_id: str) -> None:
    """A crashed or interrupted component may leave its test database behind: not ours to keep."""
    try:
        leftovers = infra.databases_of_run(env, run_id)
        if leftovers:
            print(f"dropping databases this run left behind: {', '.join(leftovers)}", flush=True)
            infra.drop_databases(env, leftovers)
    except Exception as exc:  # cleanup is best effort; the summary must still come
        print(f"could not drop this run's leftover databases: {exc}", flush=True)


def results_folder(run_id: str) -> Path:
    base = ROOT / "var" / "test-results"
    folder = base / run_id
    folder.mkdir(parents=True, exist_ok=True)
    latest = base / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(run_id)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-setup", action="store_true", help="do not run stack.py setup")
    parser.add_argument("--checks-only", action="store_true", help="static checks, no pytest")
    parser.add_argument("components", nargs="*", help="pytest components to run (default: all)")
    args = parser.parse_args()

    started = time.monotonic()
    env = child_environment(os.environ)
    run_id = env.get("EMS_TEST_RUN_ID") or f"{int(time.time())}{os.getpid()}"
    env["EMS_TEST_RUN_ID"] = run_id
    results_dir = results_folder(run_id)
    print(f"test run {run_id}: results in {results_dir}", flush=True)

    setup_result = None
    if not args.skip_setup:
        banner("setup (scripts/stack.py setup)")
        setup_result = run(f"{PYTHON} scripts/stack.py setup", env)
        setup_result.name = "stack setup"
    ok = run_checks(env, results_dir, setup_result)

    codes: dict[str, int] = {}
    if not args.checks_only and (not args.components or "frontend" in args.components):
        # Before e2e: the browser tests need the build (frontend/dist) and Chromium.
        banner("frontend (scripts/frontend_build.py test)")
        result = run(f"{PYTHON} scripts/frontend_build.py test {results_dir}", env)
        codes["frontend-checks"] = result.code
    with ThreadPoolExecutor(1, thread_name_prefix="deployment") as background:
        deployment: Future[Outcome] | None = None
        if not args.checks_only and (not args.components or "deployment" in args.components):
            # Mostly waiting (images, containers starting, a cluster forming): it runs beside
            # the unit tests, its output printed once they are done, and before tests/deploy and
            # e2e, which run alone as before.
            junit = results_dir / "deployment.xml"
            command = f"{PYTHON} tests/deploy/compose_run.py --junit {junit}"
            banner("deployment (tests/deploy/compose_run.py), beside the unit tests")
            deployment = background.submit(run, command, dict(env), capture=True)
        if not args.checks_only:
            env["RABBITMQ_VHOST"] = f"ems-test-{run_id}"
            try:
                infra.ensure_vhost(env)
                codes.update(run_pytest(env, results_dir, args.components, beside_deployment))
                if deployment is not None:
                    codes["deployment"] = deployment_outcome(deployment)
                    deployment = None
                codes.update(
                    run_pytest(
                        env, results_dir, args.components, lambda n: not beside_deployment(n)
                    )
                )
            except infra.SetupError as exc:
                print(exc.code, flush=True)
                codes["rabbitmq-vhost"] = 1
            finally:
                infra.delete_vhost(env)
                drop_leftover_databases(env, run_id)
        if deployment is not None:
            codes["deployment"] = deployment_outcome(deployment)
    (results_dir / test_summary.EXIT_CODES_FILE).write_text(json.dumps(codes))

    ok = ok and all(code == 0 for code in codes.values())
    print(f"\nmake test took {time.monotonic() - started:.0f} s", flush=True)
    total = test_summary.summarize(results_dir)
    return 0 if ok and not total["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
