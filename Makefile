# LeerID Schoolloket: `make run` starts the demo, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN_PKG := $(shell grep -q avx2 /proc/cpuinfo && echo bun-linux-x64 || echo bun-linux-x64-baseline)
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/@oven/$(BUN_PKG)/bin/bun

# Keep Reflex offline and quiet; use the project's own bun from the npm registry.
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_BUN_PATH := $(CURDIR)/$(BUN)
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test setup lint unit e2e bench system-deps clean

help:
	@echo "make run    set up and start the demo on http://localhost:3000 (SQLite, demo data)"
	@echo "make test   set up and run ruff and every test (services on SQLite and PostgreSQL, browser)"
	@echo "make bench  run the benchmarks (see README, Performance)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(BUN):
	npm install --no-save --silent --prefix $(BUN_DIR) @oven/$(BUN_PKG)@$(BUN_VERSION)

setup: $(VENV)/.installed $(BUN)

run: setup
	$(PY) -m leerid_app.cli migrate
	$(PY) -m leerid_app.cli seed-demo
	# Demo mode: pupils' mails land in the outbox at /demo/postvak instead of going out.
	LEERID_DEMO_MODE=$${LEERID_DEMO_MODE:-true} $(VENV)/bin/reflex run --env prod --loglevel warning

# Debian's Chromium (browser tests), PostgreSQL server (the service tests run on it too), the
# DejaVu fonts (PDF slips print Polish and Romanian names with them), and Redis and HAProxy (the
# production setup the tests in tests/scale/ start, and the load benchmark's several workers).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || missing="$$missing haproxy"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup system-deps lint
	$(VENV)/bin/pytest

bench: setup system-deps
	$(PY) -m benchmarks.bench_list_queries
	$(PY) -m benchmarks.bench_bulk
	$(PY) -m benchmarks.bench_prehash
	$(PY) -m benchmarks.bench_load
	$(PY) -m benchmarks.bench_exports
	$(PY) -m benchmarks.bench_import
	$(PY) -m benchmarks.fuzz_import
	$(PY) -m benchmarks.bench_login_limit
	$(PY) -m benchmarks.bench_pupil_logins
	$(PY) -m benchmarks.bench_readiness
	$(PY) -m benchmarks.probe_other_admins

clean:
	rm -rf .web .states
