"""`make diagram`: render docs/deployment.puml to docs/deployment.png and docs/deployment.pdf.

PlantUML and graphviz come from Debian (installed when missing, as root). Debian's PlantUML
lacks the jars its own PDF output needs, so the PDF is converted from PlantUML's SVG with
rsvg-convert (librsvg2-bin). The PNG carries the SHA-256 of the source it was drawn from
(a ``tEXt`` chunk), so tests/deploy can tell a stale picture without rendering it again.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import infra
from services import ROOT

SOURCE = ROOT / "docs" / "deployment.puml"
PNG = SOURCE.with_suffix(".png")
PDF = SOURCE.with_suffix(".pdf")
SOURCE_KEY = b"ems-source-sha256"
# Debian package -> the program it provides.
TOOLS = {"plantuml": "plantuml", "graphviz": "dot", "librsvg2-bin": "rsvg-convert"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def source_hash(source: Path = SOURCE) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def png_text(data: bytes, key: bytes) -> str | None:
    """The value of the PNG's ``tEXt`` chunk named ``key``, if it has one."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"tEXt" and body.split(b"\0", 1)[0] == key:
            return body.split(b"\0", 1)[1].decode("latin-1")
        offset += 12 + length
    return None


def with_text(data: bytes, key: bytes, value: str) -> bytes:
    """``data`` with a tEXt chunk ``key=value`` right after the header chunk."""
    body = key + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    header_end = len(PNG_SIGNATURE) + 12 + struct.unpack(">I", data[8:12])[0]
    return data[:header_end] + chunk + data[header_end:]


def ensure_tools() -> None:
    missing = [package for package, program in TOOLS.items() if shutil.which(program) is None]
    if missing:
        infra.apt_install(missing)


def render() -> None:
    ensure_tools()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copy(SOURCE, work / SOURCE.name)
        for kind in ("png", "svg"):
            infra.run(["plantuml", f"-t{kind}", "-failfast2", str(work / SOURCE.name)])
        png = (work / PNG.name).read_bytes()
        PNG.write_bytes(with_text(png, SOURCE_KEY, source_hash()))
        infra.run(["rsvg-convert", "-f", "pdf", "-o", str(PDF), str(work / f"{SOURCE.stem}.svg")])
    print(f"written: {PNG.relative_to(ROOT)}, {PDF.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        render()
    except infra.SetupError as exc:
        sys.exit(str(exc))
