# The two commands a newcomer runs: `make run` and `make test`. See README.md.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint format migrate seed check clean bench drills messages cluster cluster-up

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

# The accessibility and HTML checkers the browser tests run (axe-core, the Nu HTML Checker), from
# the npm registry at the versions package-lock.json pins. Without npm they are skipped, and said so.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility and HTML checks will be skipped."; fi

# Translations: the .po files are committed, the .mo files are built here (pure Python, no gettext).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po $(STAMP)
	$(PY) -m infoview.messages

run: $(STAMP) $(MO_FILES)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m infoview.run

test: $(DEV_STAMP) $(MO_FILES) $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Re-extract the strings after changing the interface, then translate what is new in the .po.
messages: $(STAMP)
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext's xgettext: apt-get install gettext (or brew install gettext)."; exit 1; }
	$(PY) manage.py makemessages -l fr --no-obsolete -i .venv -i node_modules -i var -i staticfiles -i bench
	$(PY) -m infoview.messages --check || echo "Translate the entries above in locale/fr/LC_MESSAGES/django.po."

clean:
	-$(PY) bin/localdb stop
	rm -rf var staticfiles

# Benchmarks and drills (not part of `make test`): figures go to bench/results.md.
bench: $(DEV_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

drills: $(DEV_STAMP)
	$(PY) -m bench.drills
	$(PY) -m bench.exactly_once --runs 2 --markdown $(DRILL_ARGS)

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
