# The two commands a newcomer runs: `make run` and `make test`. See README.md.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint format migrate seed check clean bench drills cluster cluster-up

$(PY):
	@python=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	$$python -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m infoview.run

test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

clean:
	-$(PY) -m infoview.localdb stop
	rm -rf var staticfiles

# Benchmarks and drills (not part of `make test`): figures go to bench/results.md.
bench: $(DEV_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

drills: $(DEV_STAMP)
	$(PY) -m bench.drills

# HAProxy in front of two web nodes, two workers, two beats; then the multi-node drill.
# CLUSTER_SECONDS=60 shortens it; CLUSTER_ARGS=--skip-steps leaves out the step test.
cluster: $(DEV_STAMP) cluster-tools
	$(PY) -m bench.cluster $(CLUSTER_ARGS)

cluster-up: $(DEV_STAMP) cluster-tools
	$(PY) -m bench.cluster --up

# Debian's haproxy (and faketime, for the node whose clock is off), installed when missing.
.PHONY: cluster-tools
cluster-tools:
	@command -v haproxy >/dev/null && command -v faketime >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's haproxy and faketime..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy faketime >/dev/null; \
	  else echo "make cluster needs haproxy (and faketime): sudo apt-get install haproxy faketime"; exit 1; fi; }
