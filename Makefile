# EMS local commands. `make up` runs the whole system, `make test` every test.
# The logic lives in scripts/ (Python); this file only installs the tools and calls it.

SHELL := /bin/bash
PYTHON := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
UV_VERSION := 0.13.9

.DEFAULT_GOAL := help
.PHONY: help deps setup up test test-deploy lint fmt bench gateway diagram reset-db clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## install the Python dependencies into .venv (uv, from uv.lock)
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install -q uv==$(UV_VERSION)
	@UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --python python3 --quiet

setup: deps ## PostgreSQL, RabbitMQ, nginx, databases, migrations, topology, admin, gateway config
	@$(PYTHON) scripts/stack.py setup

up: deps ## run the whole system on this machine (Ctrl+C stops it)
	@exec $(PYTHON) scripts/stack.py up

test: deps ## every check and test, then a summary
	@$(PYTHON) scripts/run_tests.py

test-deploy: deps ## the compose deployment for real: Docker, images, up --wait, checks through Traefik, down -v (tests/deploy/compose_run.py; root; also the last part of make test)
	@$(PYTHON) tests/deploy/compose_run.py

lint: deps ## ruff, mypy and migration checks only
	@$(PYTHON) scripts/run_tests.py --skip-setup --checks-only

fmt: deps ## fix what ruff can fix and format the code
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench: deps ## benchmarks: ingestion, hourly API, period and fleet views warm and cold, the CSV export (bench/run.py; --periods, --export alone), sync and alert latency, MQTT vs AMQP and register rates (bench/meters.py), 100,000 meters live (bench/fleet.py)
	@$(PYTHON) scripts/stack.py setup
	@$(PYTHON) bench/run.py
	@$(PYTHON) bench/sync_latency.py
	@$(PYTHON) bench/alert_latency.py
	@$(PYTHON) bench/simulator_backfill.py
	@$(PYTHON) bench/meters.py
	@$(PYTHON) bench/fleet.py

gateway: deps ## render the gateway config (var/gateway/nginx.conf) without starting anything
	@$(PYTHON) scripts/stack.py render-gateway

diagram: deps ## render docs/deployment.puml to docs/deployment.png and .pdf (PlantUML, from Debian)
	@$(PYTHON) scripts/diagram.py

reset-db: deps ## drop the local databases (asks first; YES=1 does not ask)
	@$(PYTHON) scripts/stack.py drop-databases $(if $(YES),--yes,)

clean: ## remove generated files (var/), not the databases
	rm -rf var
