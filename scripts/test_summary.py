"""Sum the JUnit XML files of one test run: per-component counts, then one closing line.

    .venv/bin/python scripts/test_summary.py var/test-results/latest

The last line printed is exactly ``N passed, N failed`` (``, N skipped`` when any were skipped),
covering every component. A component whose runner failed without reporting a failing test (a
crash, a timeout, no test collected, a missing report) counts as one failure, so the line never
hides it.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Written by scripts/run_tests.py beside the XML files: component -> runner exit code.
EXIT_CODES_FILE = "exit-codes.json"


Counts = Counter[str]  # "passed", "failed", "skipped"


@dataclass
class Outcome:
    """One step that ran as a test case: a static check, an install, a build."""

    name: str
    code: int
    seconds: float
    output: str = ""


def write_junit(path: Path, suite_name: str, outcomes: Sequence[Outcome]) -> None:
    """Steps that are not pytest tests, as a JUnit suite: a non-zero exit code is a failure."""
    failed = [o for o in outcomes if o.code != 0]
    suite = ElementTree.Element(
        "testsuite", name=suite_name, tests=str(len(outcomes)), failures=str(len(failed))
    )
    suite.set("errors", "0")
    suite.set("skipped", "0")
    for outcome in outcomes:
        case = ElementTree.SubElement(suite, "testcase", classname=suite_name, name=outcome.name)
        case.set("time", f"{outcome.seconds:.2f}")
        if outcome.code != 0:
            failure = ElementTree.SubElement(case, "failure", message=f"exit code {outcome.code}")
            failure.text = outcome.output[-20000:]
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def read_junit(path: Path) -> Counts:
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    counts: Counts = Counter()
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts.update(failed=failed, skipped=skipped, passed=max(tests - failed - skipped, 0))
    return counts


def closing_line(total: Counts) -> str:
    line = f"{total['passed']} passed, {total['failed']} failed"
    return line + (f", {total['skipped']} skipped" if total["skipped"] else "")


def summarize(results: Path) -> Counts:
    exit_codes: dict[str, int] = {}
    codes_file = results / EXIT_CODES_FILE
    if codes_file.is_file():
        exit_codes = json.loads(codes_file.read_text())
    components = sorted({p.stem for p in results.glob("*.xml")} | set(exit_codes))
    total: Counts = Counter()
    print(f"\nTest summary ({results}):")
    for component in components:
        xml = results / f"{component}.xml"
        counts = read_junit(xml) if xml.is_file() else Counter()
        code = exit_codes.get(component)
        note = ""
        # Every component has tests: a runner that collected none (pytest's 5) failed too.
        if code not in (None, 0) and counts["failed"] == 0:
            counts["failed"] += 1
            note = f"  (runner exited {code} without a failing test: counted as 1 failure)"
        elif code not in (None, 0) and counts["failed"]:
            note = "  FAILED"
        total.update(counts)
        print(f"  {component:<22} {closing_line(counts)}{note}")
    print(closing_line(total), flush=True)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="folder holding <component>.xml files")
    args = parser.parse_args()
    total = summarize(args.results)
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
