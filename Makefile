# The two commands: `make demo` runs the embedded demo, `make test` passes the tests.
# Both create .venv and install everything on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIP    := $(BIN)/pip --disable-pip-version-check -q

.PHONY: demo serve test lint typecheck unit install postgres clickhouse chromium compose clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/warroom demo

serve: $(STAMP)
	$(BIN)/warroom serve

lint: $(STAMP)
	$(BIN)/ruff check warroom tests benchmarks
	$(BIN)/ruff format --check warroom tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit tests/agents

# The store tests start their own PostgreSQL server from Debian's package.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
postgres:
	@command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends postgresql; }

# The warehouse tests start their own ClickHouse server from Debian's package (18.16).
clickhouse:
	@test -x /usr/sbin/clickhouse-server || { \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends clickhouse-server; }

# The page tests drive Debian's Chromium headless through Playwright (no `playwright install`);
# a small CJK font so the page's Chinese labels render (tests, docs/screenshots).
chromium:
	@{ test -x /usr/bin/chromium && test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc; } || { \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends \
			chromium fonts-wqy-microhei; }

# The docker tests validate docker/compose.yml offline with Debian's docker-compose (1.29);
# --no-install-recommends, or apt pulls in a Docker engine.
compose:
	@command -v docker-compose >/dev/null 2>&1 || { \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends docker-compose; }

test: lint typecheck postgres clickhouse chromium compose
	$(BIN)/pytest -q --durations=10

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
