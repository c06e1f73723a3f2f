# The command surface. `make demo` and `make test` work on a fresh clone with
# nothing but Python >= 3.11 and make: the virtual environment is created here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps demo demo-docs test lint drift protos refresh-protos bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "agentrt needs Python >= 3.11; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/agentrt run examples/trip_planner/trip_planner.yaml "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."

# An agent answering from a folder of documents through a collection (QUESTION="...").
demo-docs: install
	$(BIN)/python examples/docs_qa/ask.py $(if $(QUESTION),"$(QUESTION)")

# Debian's chromium, for the HTML report test of `agentrt load` (installed only when
# missing and only as root; otherwise the test says how to get it).
system-deps:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/espeak-ng ] || [ ! -x /usr/bin/redis-server ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium espeak-ng redis-server; \
	fi

test: system-deps lint drift
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check agentrt tests benchmarks protos examples
	$(BIN)/ruff format --check agentrt tests benchmarks protos examples
	$(BIN)/mypy

drift: install
	$(BIN)/python protos/check_drift.py

# Render protos/xai from the pinned xai-sdk, then compile everything into generated/.
protos: install refresh-protos
	$(BIN)/python protos/compile.py

refresh-protos: install
	$(BIN)/python protos/refresh.py

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
