# The two commands the README names: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
APT_PACKAGES := tshark graphviz chromium chromium-driver

.PHONY: run test lint typecheck system-deps services clean web-assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml setup.py src/plantarch/discovery/pcap/_packets.c | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(DEV_STAMP): pyproject.toml setup.py src/plantarch/discovery/pcap/_packets.c | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP) $@

run: $(STAMP) web-assets
	$(BIN)/plantarch demo --workspace .plantarch --out demo-out

# System packages the suite uses (Wireshark for accuracy checks, Graphviz, headless Chromium).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || echo "warning: could not install$$missing; tests needing them will skip"; \
	  else echo "warning: cannot install$$missing (not root); tests needing them will skip"; fi; \
	fi

# PostgreSQL and Mosquitto are started before a session; start them if they are down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start) || echo "warning: PostgreSQL not available; PostgreSQL tests will skip"
	@(command -v mosquitto >/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && mosquitto -d -c /etc/mosquitto/mosquitto.conf) || true

# The web UI's topology script: Cytoscape.js and its fcose layout from npm (web/package-lock.json), bundled
# by esbuild into src/plantarch/web/static/ (generated, gitignored). Without npm the pages still render and
# say that the interactive topology is unavailable.
WEB_BUNDLE := src/plantarch/web/static/topology.bundle.js

web-assets: $(WEB_BUNDLE)

$(WEB_BUNDLE): web/topology.js web/package.json web/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build) \
	  || echo "warning: could not build the topology script (npm unreachable?); the web UI works without it"; \
	else echo "warning: npm not found; the web UI works without the interactive topology"; fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/ruff format --check src tests benchmarks setup.py

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

test: $(DEV_STAMP) system-deps services web-assets
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) .plantarch demo-out .pytest_cache .mypy_cache .ruff_cache $(WEB_BUNDLE) web/node_modules
