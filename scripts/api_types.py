"""The frontend's API types, generated from each service's OpenAPI schema by openapi-typescript.

    .venv/bin/python scripts/api_types.py           # regenerate frontend/src/api/generated/*.ts
    .venv/bin/python scripts/api_types.py --check   # exit 1 when the committed files are stale

Each present service exports its schema (``manage.py spectacular``, as the schema check of
`make test` does) and openapi-typescript (pinned in frontend/package-lock.json) turns it into
``<service name>.ts``. ``--check`` generates into a temporary folder and compares, so a schema
change without regenerated types fails `make test` (a step of scripts/frontend_build.py test).
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from services import ROOT, Service, manage_command, present_services, run_captured

FRONTEND = ROOT / "frontend"
GENERATED = FRONTEND / "src" / "api" / "generated"
COMMAND = ".venv/bin/python scripts/api_types.py"


def run(command: list[str] | str, env: Mapping[str, str], cwd: Path = ROOT) -> None:
    run_captured(command, env, cwd=cwd).check_returncode()  # CalledProcessError, with the output


def generate_one(service: Service, schemas: Path, target: Path, env: Mapping[str, str]) -> Path:
    schema = schemas / f"{service.name}.yaml"
    run(manage_command(service, f"spectacular --file {shlex.quote(str(schema))}"), env)
    output = target / f"{service.name}.ts"
    # --no: only the openapi-typescript of package-lock.json, never a download.
    command = ["npm", "exec", "--no", "--", "openapi-typescript", str(schema), "-o", str(output)]
    run(command, env, cwd=FRONTEND)
    return output


def generate(target: Path, env: Mapping[str, str]) -> list[Path]:
    """Write ``<target>/<service>.ts`` for every present service; the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    services = present_services(quiet=True)
    # Two at a time: each is mostly a Python or Node start-up, on a 2-core machine.
    with (
        tempfile.TemporaryDirectory(prefix="ems-openapi-") as schemas,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        jobs = [pool.submit(generate_one, s, Path(schemas), target, env) for s in services]
        return [job.result() for job in jobs]


def stale_files(env: Mapping[str, str]) -> list[str]:
    """What differs between the committed types and freshly generated ones (a short diff each)."""
    with tempfile.TemporaryDirectory(prefix="ems-api-types-") as fresh_dir:
        fresh = {path.name: path.read_text() for path in generate(Path(fresh_dir), env)}
    committed = {path.name: path.read_text() for path in GENERATED.glob("*.ts")}
    gone = sorted(committed.keys() - fresh.keys())
    problems = [f"{name}: no service generates it any more" for name in gone]
    for name, text in sorted(fresh.items()):
        if name not in committed:
            problems.append(f"{name}: missing")
        elif text != committed[name]:
            old, new = committed[name].splitlines(True), text.splitlines(True)
            diff = difflib.unified_diff(old, new, f"committed/{name}", name)
            problems.append(f"{name}: stale\n{''.join(list(diff)[:40])}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the files are stale")
    args = parser.parse_args()
    env = dict(os.environ)
    try:
        if not args.check:
            for path in generate(GENERATED, env):
                print(f"wrote {path.relative_to(ROOT)}")
            return 0
        problems = stale_files(env)
    except subprocess.CalledProcessError as exc:
        shown = exc.cmd if isinstance(exc.cmd, str) else shlex.join(exc.cmd)
        print(f"`{shown}` failed:\n{exc.stdout}{exc.stderr}", file=sys.stderr)
        return 1
    if problems:
        print("\n".join(problems))
        print(f"\nThe API types are stale: run `{COMMAND}` and commit frontend/src/api/generated/")
        return 1
    print(f"API types current ({GENERATED.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
