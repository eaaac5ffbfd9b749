# The README's two commands are the contract: `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

# Local mode: no configuration needed. Override any of these in the environment.
export DJANGO_DEBUG ?= 1

.PHONY: run test test-fast typecheck lock lint fmt install migrate bench load bench-export bench-extract bench-search bench-search-pg bench-sources wrk clean mutation hand-mutations

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock file (exact versions); the project itself without its ranges.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_catalogue
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py portal.wsgi

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The edit loop: lint, types and every test but the slow ones (fuzzing, subprocesses, browser).
test-fast: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -m "not slow" -q $(PYTEST_ARGS)

typecheck: install
	$(VENV)/bin/mypy

# Re-resolve the lock file after changing a range in pyproject.toml (or to take new releases).
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal \
		-o requirements.lock
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production-mode gunicorn against synthetic catalogues in bench/out/ (loopback only, ~5 min):
# the floor with middleware and the bare floor, every public page cold and warm against issue
# 13's targets, and the growth table at 500, 5,000 and 20,000 programmes; writes
# bench/results.json. Needs wrk (apt-get install -y wrk). Smoke run: BENCH_DURATION=1
# BENCH_GROWTH_DURATION=1 BENCH_PROGRAMMES=300 BENCH_GROWTH_SIZES=100,300
# BENCH_RESULTS=bench/out/smoke.json make bench (see bench/run_bench.py).
bench: install wrk
	$(PY) bench/run_bench.py

# 60 s at 32 connections on public pages while an editor saves a programme through the admin
# every 2 s: PASS/FAIL on 0 errors, 0 lost edits, 0 stale pages, p99 < 150 ms, flat memory;
# the "load" entry of bench/results.json. Smoke run: LOAD_SECONDS=10 LOAD_PROGRAMMES=300
# LOAD_RESULTS=bench/out/smoke.json make load.
load: install wrk
	$(PY) bench/load_test.py

# Export rows/s and peak worker memory at 10,000 and 100,000 programmes.
bench-export: install
	$(PY) bench/export_bench.py

# Mutation testing (a benchmark, not a test; ~30 min on 2 cores): mutmut over the modules listed
# in pyproject.toml [tool.mutmut], running the fast tests on SQLite; bounded by MUTATION_TIMEOUT
# seconds. Prints the score per module (bench/mutation_report.py); `mutmut browse` shows survivors.
# MUTATION_RESUME=1 keeps mutants/: only unchecked mutants run (new tests are picked up); name
# survivors to re-check them: .venv/bin/mutmut run 'programmes.seed*'.
MUTATION_TIMEOUT ?= 2700
MUTATION_CHILDREN ?= 2
mutation: install
	$(if $(MUTATION_RESUME),,rm -rf mutants)
	env -u DATABASE_URL -u REDIS_URL nice -n 10 timeout $(MUTATION_TIMEOUT) \
		$(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN) || echo "mutmut stopped early: unchecked mutants are listed as such"
	$(PY) bench/mutation_report.py

# Twelve hand-made code changes (24 edits), one at a time in a throwaway copy: each must
# make a test fail (~2 min). Exit status 1 names any change no test caught.
hand-mutations: install
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/hand_mutations.py

# Precision and recall of the fact extractor per field: on real snippets of universities' official
# pages (tests/fixtures/extract_real/) and on hand-written fragments (tests/fixtures/extract/).
bench-extract: install
	$(PY) bench/extract_bench.py

# The page reader on a loopback replica of a university site (tests/replica.py): discover_programmes,
# then check_sources twice; leads, pages read and refused, facts per programme, time (~1 min).
bench-sources: install
	$(PY) bench/sources_bench.py

# List page vs search (q=health+data, and a search matching nothing) at 500, 5,000 and 20,000
# programmes, caches off, in-process (no server, no network); about 2 minutes.
bench-search: install
	$(PY) bench/search_bench.py

# The same on a throwaway PostgreSQL on a loopback port (deploy/services.sh; Debian's postgresql
# package), the production database; about 3 minutes.
bench-search-pg: install
	bash -c 'source deploy/services.sh; trap stop_services EXIT; start_postgres "$$(free_port)" >/dev/null; $(PY) bench/search_bench.py --postgres "$$DATABASE_URL"'

# The load generator, from Debian's packages (needs root or sudo on a fresh machine).
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
