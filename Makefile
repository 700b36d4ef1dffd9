# Two commands for a new machine: `make run` and `make test`. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
LLM_THREADS ?= 4
# Debian packages and the venv come from scripts/install.sh, which docker/Dockerfile runs too.
INSTALL := bash scripts/install.sh

.PHONY: run test test-stack worker llm-worker vendor lint format bench bench-stream bench-extract bench-journey bench-api services clean

run: $(VENV)/.installed
	$(VENV)/bin/flask --app app:create_app db upgrade
	@echo "mikroporada is starting at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(VENV)/bin/gunicorn --config docker/gunicorn.conf.py --bind $(HOST):$(PORT) 'app:create_app()'

test: $(VENV)/.installed
	@$(INSTALL) packages test
	@bash .ci/services
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m bandit --quiet --recursive app worker.py
	$(VENV)/bin/hadolint docker/Dockerfile
	TEST_BACKEND=mariadb $(PY) -m pytest -q
	TEST_BACKEND=sqlite $(PY) -m pytest -q

# The compose stack built and run under podman (tests/stack): a few minutes, needs root and
# podman, buildah, runc and mmdebstrap (installed here when missing). .ci/run runs it after
# `make test`.
test-stack: $(VENV)/.installed
	@$(INSTALL) packages test stack
	$(PY) -m pytest -q -m stack tests/stack

worker: $(VENV)/.installed
	$(PY) worker.py

llm-worker: $(VENV)/.installed
	$(PY) worker.py llm --threads $(LLM_THREADS)

# Refreshes the vendored front-end files from the pinned package.json + lock (npm registry).
# Of pdf.js only the display layer and its worker (ES modules, the plain non-legacy build);
# its optional native canvas is for Node, never the browser, so optional packages are omitted.
vendor:
	npm ci --ignore-scripts --no-audit --no-fund --omit=optional
	rm -f static/vendor/htmx-*.js static/vendor/pdfjs-*.js
	cp node_modules/htmx.org/dist/htmx.min.js \
		static/vendor/htmx-$$(node -p 'require("htmx.org/package.json").version').min.js
	cp node_modules/htmx-ext-ws/dist/ws.min.js \
		static/vendor/htmx-ext-ws-$$(node -p 'require("htmx-ext-ws/package.json").version').min.js
	cp node_modules/pdfjs-dist/build/pdf.min.mjs \
		static/vendor/pdfjs-$$(node -p 'require("pdfjs-dist/package.json").version').min.js
	cp node_modules/pdfjs-dist/build/pdf.worker.min.mjs \
		static/vendor/pdfjs-worker-$$(node -p 'require("pdfjs-dist/package.json").version').min.js
	@ls static/vendor

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/hadolint docker/Dockerfile

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.installed
	@bash .ci/services
	$(PY) bench/pdf_bench.py

bench-stream: $(VENV)/.installed
	@bash .ci/services
	$(PY) bench/stream_bench.py

# Server time per API request under a bounded local load, beside a constant endpoint.
bench-api: $(VENV)/.installed
	@bash .ci/services
	$(PY) bench/api_bench.py $(BENCH_ARGS)

# The model at OLLAMA_HOST / OLLAMA_MODEL on bench/extract_cases.json; needs only Ollama.
# Options through BENCH_ARGS, e.g. `make bench-extract BENCH_ARGS="--limit 5 --json"`.
bench-extract: $(VENV)/.installed
	$(PY) bench/extract_bench.py $(BENCH_ARGS)

# A phone user's taps, typing and time to the PDF, guided and by chat (Chromium, fake model).
# Options through BENCH_ARGS, e.g. `make bench-journey BENCH_ARGS="--runs 5"`.
bench-journey: $(VENV)/.installed
	@$(INSTALL) packages test
	$(PY) bench/journey_bench.py $(BENCH_ARGS)

# The project itself is installed editable for the `mikroporada` command (.venv/bin/mikroporada);
# its build backend comes from pyproject.toml (the venv's own setuptools is too old to build it).
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	@$(INSTALL) packages run
	PYTHON=$(PYTHON) $(INSTALL) venv $(VENV) dev
	@touch $@

services:
	@bash .ci/services

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	# What scripts/compile_static.py makes, should it have been run on this tree.
	rm -f static/cache_manifest.json
	find static -regextype posix-extended \( -name '*.gz' -o -regex '.*-[0-9a-f]{32}\.[A-Za-z0-9]+' \) -delete
