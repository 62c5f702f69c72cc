"""Every service's API layer depends on its domain, never the reverse.

A module outside ``<app>/api/`` (models, services, consumers, commands) that imports the app's
``api`` package would tie the domain to HTTP: serializers and views import the domain instead.
Tests and migrations are left out (a test may drive the API).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APPS = {
    "auth_service": "authentication",
    "user_service": "users",
    "device_service": "devices",
    "monitoring_service": "monitoring",
}


def imported_modules(path: Path, package: str) -> set[str]:
    """The absolute names of the modules ``path`` (in ``package``) imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def domain_modules(service: str, app: str) -> list[Path]:
    root = REPO / service / app
    skipped = {"api", "tests", "migrations"}
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not skipped.intersection(path.relative_to(root).parts[:-1])
    ]


@pytest.mark.parametrize(("service", "app"), sorted(APPS.items()))
def test_no_domain_module_imports_the_api_layer(service: str, app: str) -> None:
    offenders = []
    for path in domain_modules(service, app):
        package = ".".join(path.relative_to(REPO / service).parent.parts)
        api = [
            name
            for name in imported_modules(path, package)
            if name == f"{app}.api" or name.startswith(f"{app}.api.")
        ]
        if api:
            offenders.append(f"{path.relative_to(REPO)} imports {', '.join(sorted(api))}")
    assert domain_modules(service, app), f"no modules found under {service}/{app}"
    assert not offenders, "\n".join(offenders)
