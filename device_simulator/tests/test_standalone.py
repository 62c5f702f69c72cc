"""The simulator runs with its requirements.txt alone: it imports nothing of the EMS project."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1]
REQUIREMENTS = {"pika", "tqdm", "paho-mqtt"}
# The top-level module each requirement installs.
MODULES = {"pika", "tqdm", "paho"}


def imported_top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_program_imports_only_the_standard_library_its_own_modules_and_requirements() -> None:
    own = {path.stem for path in FOLDER.glob("*.py")}
    for path in FOLDER.glob("*.py"):
        foreign = imported_top_level_names(path) - own - MODULES - sys.stdlib_module_names
        assert not foreign, f"{path.name} imports {sorted(foreign)}"


def test_requirements_txt_lists_exactly_pika_tqdm_and_paho_mqtt() -> None:
    lines = (FOLDER / "requirements.txt").read_text().splitlines()
    names = {line.split(">")[0].split("=")[0].strip() for line in lines if line and line[0] != "#"}
    assert names == REQUIREMENTS
