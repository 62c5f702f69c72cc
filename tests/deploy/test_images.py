"""What the images are built from: Dockerfiles, the database init script, the frontend's nginx.

No Docker engine here, so the pieces are checked where they can run: the init script against the
real local PostgreSQL, the frontend's nginx config with the local nginx, and every file a
Dockerfile copies against the repository and .dockerignore.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
from pathlib import Path

import images
import infra
import pytest
from services import ROOT, all_services, nginx_binary

FRONTEND_DOCKERFILE = ROOT / "deploy" / "frontend.Dockerfile"
FRONTEND_NGINX = ROOT / "deploy" / "frontend" / "nginx.conf"
COPY = re.compile(r"^COPY (?!--from)(.+) \S+$", re.MULTILINE)


def dockerfiles() -> list[Path]:
    return [images.dockerfile_path(s) for s in all_services()] + [FRONTEND_DOCKERFILE]


def ignored(path: str, patterns: list[str]) -> bool:
    return any(
        fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
        for pattern in patterns
    )


@pytest.mark.parametrize("dockerfile", dockerfiles(), ids=lambda path: path.name)
def test_dockerfile_copies_files_that_reach_the_build(dockerfile: Path) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [src for line in COPY.findall(dockerfile.read_text()) for src in line.split()]
    assert sources, f"{dockerfile.name} copies nothing"
    for source in sources:
        assert (ROOT / source).exists(), f"{dockerfile.name}: COPY {source}: no such file"
        assert not ignored(source.rstrip("/"), patterns), f"{source} is in .dockerignore"


def test_frontend_image_builds_the_app_and_serves_it_with_nginx() -> None:
    text = FRONTEND_DOCKERFILE.read_text()
    assert "RUN npm ci" in text and "RUN npm run build" in text
    assert "COPY --from=build /src/dist/ /usr/share/nginx/html/" in text
    assert "try_files $uri $uri/ /index.html;" in FRONTEND_NGINX.read_text()


def test_frontend_nginx_config_is_valid(tmp_path: Path) -> None:
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (scripts/stack.py setup installs it)")
    root = tmp_path / "html"
    root.mkdir()
    server = FRONTEND_NGINX.read_text()
    server = server.replace("listen 80;", "listen 127.0.0.1:1;").replace(
        "/usr/share/nginx/html", str(root)
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\n{server}\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_init_script_creates_each_database_once() -> None:
    """PostgreSQL's entrypoint runs it with POSTGRES_USER; here against the local server."""
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql is missing (Debian: postgresql-client)")
    run = os.environ.get("EMS_TEST_RUN_ID") or str(os.getpid())
    names = {s.db_env: f"deploy_{run}_{s.name}" for s in all_services()}
    pg = infra.postgres_settings(os.environ)
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": pg.host,
        "PGPORT": str(pg.port),
        "PGPASSWORD": pg.password,
        "POSTGRES_USER": pg.user,
        **names,
    }
    try:
        for _ in range(2):  # the second run finds them all and changes nothing
            result = subprocess.run(
                [str(images.INIT_DB_FILE)], env=env, capture_output=True, text=True, check=False
            )
            assert result.returncode == 0, result.stdout + result.stderr
        with infra.postgres_connect(os.environ) as connection:
            rows = connection.execute(
                "SELECT datname FROM pg_database WHERE datname = ANY(%s)", [list(names.values())]
            ).fetchall()
        assert sorted(row[0] for row in rows) == sorted(names.values())
    finally:
        infra.drop_databases(os.environ, list(names.values()))
