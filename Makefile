# The front door: `make run` serves the hub on embedded defaults, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := web/node_modules/.installed
CLIENTS := tests/clients/node_modules/.installed
BROWSER := tests/browser/node_modules/.installed

.PHONY: setup run test check bench bench-peers bench-tools assets test-clients test-browser tools schema lock clean

$(INSTALLED): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(ASSETS): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

assets: $(ASSETS)

# the reference clients the transport tests run (graphql-http's audit, graphql-ws)
$(CLIENTS): tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund
	touch $@

test-clients: $(CLIENTS)

# playwright-core drives Debian's Chromium (`make tools`) in the GraphiQL browser test;
# it downloads no browser of its own
$(BROWSER): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

test-browser: $(BROWSER)

setup: $(INSTALLED) $(ASSETS)

# the state-system simulator runs beside the hub, as its own process: QUICK views
# really travel over HTTP, as they do to each state's system in production
run: setup
	$(BIN)/hub migrate
	$(BIN)/hub seed --if-empty
	$(BIN)/hub state-sim & sim=$$!; trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/hub serve

# branch coverage of the hub's packages over the whole suite; the run fails below the floor
# in pyproject.toml ([tool.coverage.report] fail_under)
test: setup tools test-clients test-browser bench-peers
	$(BIN)/python -m pytest --cov --cov-report=term

check: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/hub schema | diff -u schema.graphql -

schema: $(INSTALLED)
	$(BIN)/hub schema > schema.graphql

# the bench's Apollo Server peer (bench/apollo/), pinned by its package-lock.json
BENCH_APOLLO := bench/apollo/node_modules/.installed

$(BENCH_APOLLO): bench/apollo/package-lock.json
	cd bench/apollo && npm ci --no-audit --no-fund
	touch $@

bench-peers: $(BENCH_APOLLO)

# the hub against its two peers under wrk, notices on Redis, the 50-case view at scale
# (python -m bench --help: --duration, --rounds, --scale)
bench: setup bench-tools bench-peers
	$(BIN)/python -m bench

# Debian's wrk is the bench's load generator (a process of its own, not the servers')
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null)) || \
	    { echo "could not install Debian's wrk with apt-get: make bench needs it"; exit 1; }; \
	  else \
	    echo "make bench needs Debian's wrk: run 'sudo apt-get install wrk' (or 'make tools' as root)"; exit 1; \
	  fi; }

# Debian's docker-compose validates docker-compose.yml without a Docker engine; Debian's
# nginx checks and runs the compose proxy's configuration (deploy/nginx/nginx.conf).
tools: bench-tools
	@command -v docker-compose >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null)); \
	  else \
	    echo "install Debian's docker-compose (sudo apt-get install docker-compose) for the compose test"; \
	  fi; }
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx-light >/dev/null)) || \
	    { echo "could not install Debian's nginx-light with apt-get: the compose proxy test needs it"; exit 1; }; \
	  else \
	    echo "the compose proxy test needs Debian's nginx: run 'sudo apt-get install nginx-light' (or 'make tools' as root)"; exit 1; \
	  fi; }
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null)) || \
	    { echo "could not install Debian's chromium and chromium-driver with apt-get: the GraphiQL browser test needs them"; exit 1; }; \
	  else \
	    echo "the GraphiQL browser test needs Debian's chromium and chromium-driver: run 'sudo apt-get install chromium chromium-driver' (or 'make tools' as root)"; exit 1; \
	  fi; }

# refresh the pinned lock from pyproject.toml's dependencies (and the dev extra)
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	{ echo "# Pinned dependencies of the hub and its tests; regenerate with 'make lock'."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) web/node_modules tests/clients/node_modules var
