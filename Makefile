# From model to production: the course's commands. `make help` lists them.
# Only Python >= 3.11, git and make are needed: uv is bootstrapped into .tools/ from PyPI and
# installs the locked environment into .venv/.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock

# Never let uv download a Python build: the course uses the Python you installed.
export UV_PYTHON_DOWNLOADS := never
# Compile bytecode at install time: imports of scikit-learn and friends then take seconds less
# on every start, even where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help install serve test lint format model bench bench-grader docs notebooks lab clean \
	bench-middleware concurrency-lab \
	docker-setup docker-measure compose-scale

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ": install a newer Python or run make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(STAMP) ## Install the locked environment into .venv/
	@echo "Environment ready: $(VENV) (activate with: source $(BIN)/activate)"

serve: $(STAMP) ## Serve the penguin API on http://127.0.0.1:8000 (docs at /docs)
	$(BIN)/course serve

model: $(STAMP) ## Train the shared model and write its artifact
	$(BIN)/course model train

# The reference Dockerfile is linted; Dockerfile.naive is wrong on purpose. Absent from the
# student edition, hence the wildcard.
LINTED_DOCKERFILES := $(wildcard solutions/module2_docker/Dockerfile)

lint: $(STAMP) ## Lint and check formatting (ruff, hadolint)
	$(BIN)/ruff check --output-format concise .
	$(BIN)/ruff format --check .
	$(if $(LINTED_DOCKERFILES),$(BIN)/hadolint $(LINTED_DOCKERFILES))

format: $(STAMP) ## Format the code (ruff)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) lint ## Run every check: lint, the docs build, the tests, and (instructors) the self-test
	$(BIN)/mkdocs build --strict --site-dir $(VENV)/site-check
	$(BIN)/pytest
	@if [ -d solutions ]; then $(BIN)/course starter check && $(BIN)/course selftest; fi

bench: $(STAMP) ## Benchmark the reference API against an echo and a naive app (needs wrk)
	$(UV) sync --frozen --inexact --group bench --python $(PYTHON) --quiet
	$(BIN)/python scripts/bench_api.py

bench-middleware: $(STAMP) ## Measure the access log: pure ASGI vs BaseHTTPMiddleware (needs wrk)
	$(UV) sync --frozen --inexact --group bench --python $(PYTHON) --quiet
	$(BIN)/python scripts/bench_middleware.py

concurrency-lab: $(STAMP) ## Exercise 10's lab: /health while 50,000-row batches are scored
	$(UV) sync --frozen --inexact --group bench --python $(PYTHON) --quiet
	$(BIN)/python scripts/concurrency_lab.py

bench-grader: $(STAMP) ## Time `course grade 1` on the solution and the starter
	$(BIN)/python scripts/bench_grader.py

docs: $(STAMP) ## Serve the course website on http://127.0.0.1:8001 with live reload
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

docker-setup: | $(UV) ## Install and start Docker, compose and a Python base image (idempotent)
	PIP="$(TOOLS)/bin/python -m pip" scripts/docker_setup.sh

docker-measure: $(STAMP) ## Instructors: measure the reference and naive images (size, builds, stop)
	$(BIN)/python scripts/measure_images.py

compose-scale: $(STAMP) ## Instructors: the reference compose stack's throughput, 1-3 API replicas
	$(BIN)/python scripts/measure_compose_scaling.py

notebooks: $(STAMP) ## Run the notebooks, so the website shows their outputs
	$(BIN)/pytest -q tests/docs/test_notebooks.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

clean: ## Remove the environment, trained models and caches
	rm -rf $(VENV) $(TOOLS) models site .artifacts .pytest_cache .ruff_cache
