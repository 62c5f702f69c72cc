"""The runnable examples of docs/API_DOCUMENTATION.md: found, run with bash, checked.

Every ```sh block of the document is preceded by a marker comment:

- ``<!-- run: status=200 keys=a,b ... -->``: run it (see ``Expectation`` for the words);
- ``<!-- no-run: reason -->``: shown to readers, not run;

and ``<!-- setup: NAME -->`` (no block) asks the test for a setup step at that point (sending
readings). Blocks run in document order, each in a fresh ``bash``; the variables a block sets
(``TOKEN=$(curl ...)``) are carried to the next, as in a reader's terminal. ``curl`` is wrapped
so that it also reports each response's status on stderr; the last must be the expected one,
those before it below 400.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = re.compile(r"<!--\s*(run|no-run|setup):?\s*(.*?)\s*-->")
FENCE = re.compile(r"^```(\w*)\s*$")
STATUS_LINE = re.compile(r"^@@status (\d{3})$", re.MULTILINE)
PRELUDE = """\
set -a
curl() { command curl "$@" --write-out '%{stderr}@@status %{http_code}\\n'; }
set -eo pipefail
"""
EPILOGUE = '\nset +e +a\nenv -0 > "$EMS_DOC_ENV_OUT"\n'
KNOWN_WORDS = {"status", "keys", "len", "error", "vars", "retry", "group", "nonempty", "expect"}


class DocError(AssertionError):
    """The document's markers or blocks are malformed."""


@dataclass
class Expectation:
    """What a ``run`` marker asks: ``status=N`` (``none``: no HTTP call), ``keys=a,b`` (top-level
    keys of the JSON printed), ``len=field:N``, ``nonempty=field``, ``error=type:attr`` (the
    error shape's type and first attr), ``expect=path:value`` (``a.b`` path; value JSON, or a
    variable's name), ``vars=A,B`` (set, not empty, not ``null``), ``retry=S`` (run again until
    it passes, up to S seconds), ``group=name`` (the test may skip a group)."""

    status: int | None
    words: dict[str, str] = field(default_factory=dict)

    @property
    def retry_seconds(self) -> float:
        return float(self.words.get("retry", 0))

    @property
    def group(self) -> str | None:
        return self.words.get("group")

    @classmethod
    def parse(cls, text: str, line: int) -> Expectation:
        words = dict(word.split("=", 1) for word in text.split() if "=" in word)
        unknown = set(words) - KNOWN_WORDS
        if unknown or "status" not in words:
            raise DocError(f"line {line}: bad run marker {text!r} (unknown {sorted(unknown)})")
        status = None if words["status"] == "none" else int(words["status"])
        return cls(status, words)


@dataclass
class Step:
    line: int
    kind: str  # "run", "setup" or "no-run"
    code: str = ""
    expectation: Expectation | None = None
    name: str = ""  # a setup step's name

    @property
    def title(self) -> str:
        first = next((ln for ln in self.code.splitlines() if not ln.startswith("#")), self.name)
        return f"line {self.line}: {first.strip()[:70]}"


def parse(document: str) -> list[Step]:
    """The document's steps in order; every sh block must carry a marker."""
    steps: list[Step] = []
    pending: tuple[str, str, int] | None = None
    lines = document.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = MARKER.search(line)
        fence = FENCE.match(line)
        if marker:
            kind, rest = marker.groups()
            if kind == "setup":
                steps.append(Step(index + 1, "setup", name=rest))
            else:
                pending = (kind, rest, index + 1)
        elif fence:
            end = index + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            if fence.group(1) == "sh":
                if pending is None:
                    raise DocError(f"line {index + 1}: sh block without a run/no-run marker")
                kind, rest, at = pending
                step = Step(index + 1, kind, code="\n".join(lines[index + 1 : end]))
                if kind == "run":
                    step.expectation = Expectation.parse(rest, at)
                steps.append(step)
            pending = None
            index = end
        elif line.strip():
            pending = None  # a marker belongs to the block right after it
        index += 1
    return steps


@dataclass
class Outcome:
    statuses: list[int]
    stdout: str
    stderr: str
    exit_code: int
    env: dict[str, str]


def run_block(code: str, env: dict[str, str], timeout: float = 60) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        env_out = Path(folder) / "env"
        script = PRELUDE + code + EPILOGUE
        result = subprocess.run(
            ["bash", "-c", script],
            env={**env, "EMS_DOC_ENV_OUT": str(env_out)},
            capture_output=True,
            text=True,
            errors="replace",  # a WebSocket frame is not text
            timeout=timeout,
            check=False,
        )
        new_env = env
        if env_out.is_file():
            pairs = [item.split("=", 1) for item in env_out.read_text().split("\0") if "=" in item]
            new_env = {name: value for name, value in pairs}
            new_env.pop("EMS_DOC_ENV_OUT", None)
    statuses = [int(code) for code in STATUS_LINE.findall(result.stderr)]
    stderr = STATUS_LINE.sub("", result.stderr).strip()
    return Outcome(statuses, result.stdout, stderr, result.returncode, new_env)


def lookup(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def problems(expectation: Expectation, outcome: Outcome) -> list[str]:
    """Why the outcome does not meet the expectation (empty: it does)."""
    found: list[str] = []
    if outcome.exit_code != 0:
        found.append(f"bash exit code {outcome.exit_code}: {outcome.stderr[-500:]}")
    if expectation.status is None:
        if outcome.statuses:
            found.append(f"expected no HTTP call, got {outcome.statuses}")
    elif not outcome.statuses:
        found.append("no HTTP call was made")
    else:
        *before, last = outcome.statuses
        if last != expectation.status:
            found.append(f"status {last}, expected {expectation.status}")
        if any(status >= 400 for status in before):
            found.append(f"an earlier call failed: {outcome.statuses}")
    words = expectation.words
    for name in filter(None, words.get("vars", "").split(",")):
        if outcome.env.get(name, "") in ("", "null"):
            found.append(f"variable {name} not set")
    json_words = {"keys", "len", "error", "nonempty", "expect"} & set(words)
    if json_words and not found:
        found += json_problems(words, outcome)
    return found


def json_problems(words: dict[str, str], outcome: Outcome) -> list[str]:
    try:
        body = json.loads(outcome.stdout)
    except json.JSONDecodeError:
        return [f"stdout is not one JSON document: {outcome.stdout[:300]!r}"]
    found = []
    if "keys" in words:
        missing = set(words["keys"].split(",")) - set(body)
        if missing:
            found.append(f"keys {sorted(missing)} missing from {sorted(body)}")
    if "len" in words:
        name, size = words["len"].split(":")
        if len(body.get(name, [])) != int(size):
            found.append(f"{name} has {len(body.get(name, []))} items, expected {size}")
    if "nonempty" in words and not body.get(words["nonempty"]):
        found.append(f"{words['nonempty']} is empty")
    if "error" in words:
        kind, _, attr = words["error"].partition(":")
        first = (body.get("errors") or [{}])[0]
        if body.get("type") != kind:
            found.append(f"error type {body.get('type')!r}, expected {kind!r}")
        elif kind == "validation_error" and first.get("attr") != attr:
            found.append(f"error attr {first.get('attr')!r}, expected {attr!r}")
        elif kind != "validation_error" and attr and first.get("code") != attr:
            found.append(f"error code {first.get('code')!r}, expected {attr!r}")
    if "expect" in words:
        path, _, raw = words["expect"].partition(":")
        wanted = outcome.env[raw] if raw in outcome.env else json.loads(raw)
        try:
            actual = lookup(body, path)
        except (KeyError, IndexError, TypeError):
            actual = "<missing>"
        if actual != wanted:
            found.append(f"{path} is {actual!r}, expected {wanted!r}")
    return found


def base_env() -> dict[str, str]:
    """What each block starts from besides the document's variables: no proxies, a PATH."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TERM")
    return {name: os.environ[name] for name in keep if name in os.environ}
