"""A client downloads its device's CSV export through the gateway with a link, no bearer."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import requests
from harness import Stack
from test_readings_flow import (
    DAY,
    hourly_sums,
    owned_device_known_to_monitoring,
    simulate,
    wait_for_chart,
)

# The file's first line, byte for byte as a spreadsheet user gets it (the columns of
# docs/API_DOCUMENTATION.md).
HEADER_LINE = "device_id,device_name,start,end,kwh,readings,expected_readings,cost,currency\r\n"


def test_a_link_downloads_the_csv_through_the_gateway_once_without_authorization(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    readings = simulate(stack, device_id, "--count", "6", "--start", f"{DAY}T10:00:00Z")
    expected = hourly_sums(readings)
    wait_for_chart(stack, client, device_id, expected)
    query = {"device_id": [device_id], "start": DAY, "end": DAY, "bucket": "hour", "tz": "UTC"}

    link = client.post(stack.url("/api/monitoring/export/links/"), json=query, timeout=10)
    assert link.status_code == 201, link.text
    download = requests.get(stack.url(link.json()["url"]), timeout=30, stream=True)
    again = requests.get(stack.url(link.json()["url"]), timeout=30)

    assert download.status_code == 200, download.text
    assert download.headers["Content-Disposition"].startswith('attachment; filename="ems-')
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = download.content.decode("utf-8")
    assert text.startswith(HEADER_LINE), text[:200]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + 24
    by_hour = {int(row[2][11:13]): Decimal(row[4]) for row in rows[1:]}
    assert {h: float(v) for h, v in by_hour.items() if v} == pytest.approx(expected)
    assert again.status_code == 401
