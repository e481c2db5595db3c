# xkmt: `make run` serves the map, `make test` runs every test (browser tests included).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test setup setup-dev assets db lint bench clean

run: setup db
	$(BIN)/xkmt serve

# One pytest worker per CPU (pytest-xdist); a module's tests stay on one worker, so that its
# module-scoped fixtures (the PostgreSQL demo, say) are made once. PYTEST_WORKERS=0: in-process.
# Modules in their collection order, the long ones (marked heavy) first: tests/conftest.py.
PYTEST_WORKERS ?= auto

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE, set on
# some machines): without it every worker compiles the app and rewrites every test module's
# asserts again, about 4 s a worker (`pytest --collect-only`: 8.5 s, 4.6 s with the files).
test: setup-dev  # no db: every test makes its own database
	$(BIN)/ruff check .
	env -u PYTHONDONTWRITEBYTECODE \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder

setup: $(VENV)/.installed assets
setup-dev: setup $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# npm writes node_modules/.package-lock.json on every install: it is the stamp.
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

db: setup
	$(BIN)/xkmt db upgrade
	$(BIN)/xkmt demo load --if-empty

lint: setup-dev
	$(BIN)/ruff check .

bench: setup-dev
	$(BIN)/python bench/map_page.py

clean:
	rm -rf $(VENV) node_modules var
