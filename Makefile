# The two commands: `make demo` runs the embedded demo, `make test` passes the tests.
# Both create .venv and install everything on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIP    := $(BIN)/pip --disable-pip-version-check -q

.PHONY: demo serve test lint typecheck unit install clean

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

test: lint typecheck
	$(BIN)/pytest -q --durations=10

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
