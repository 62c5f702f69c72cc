"""docs/deployment.puml shows what the compose file runs, and its PNG/PDF are drawn from it."""

from __future__ import annotations

import re
from typing import Any

import diagram

from ems_common.messaging import topology

# The published and internal ports the issue asks the picture to name.
PORTS = [":80", ":5432", ":5672", ":15672", ":8000", ":8001", ":8002", ":8003"]


def puml() -> str:
    return diagram.SOURCE.read_text()


def test_every_container_is_drawn(services: dict[str, Any]) -> None:
    drawn = set(re.findall(r'^\s*node "([\w-]+)', puml(), flags=re.MULTILINE))
    assert set(services) - drawn == set(), "containers missing from docs/deployment.puml"


def test_exchanges_queues_and_ports_are_drawn() -> None:
    text = puml()
    names = [topology.SYNC_EXCHANGE, topology.DLX, topology.ALERTS_EXCHANGE]
    names += [topology.DEVICE_DATA_QUEUE, topology.dlq_name("<queue>")]
    names += [topology.sync_queue(service) for service in topology.SYNC_BINDINGS]
    assert [name for name in names if name not in text] == []
    assert [port for port in PORTS if port not in text] == []


def test_rendered_png_is_current() -> None:
    png = diagram.PNG.read_bytes()
    drawn_from = diagram.png_text(png, diagram.SOURCE_KEY)
    assert drawn_from == diagram.source_hash(), "docs/deployment.png is stale: run make diagram"


def test_pdf_exists() -> None:
    assert diagram.PDF.read_bytes().startswith(b"%PDF-")
