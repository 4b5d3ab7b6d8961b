# Arbeidsgiverpool Groruddalen. `make` alone prints this help.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PORT ?= 5000
EVAL_ROOT ?= ../shared/eval
EVAL_SETS ?= dev realads-dev
export FLASK_APP := wsgi.py

.DEFAULT_GOAL := help
.PHONY: help install db run test lint format eval bench seed translations i18n-update
.PHONY: serve bench-web screenshots

help:  ## Show this help
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed  ## Create .venv and install the pinned requirements

translations: $(VENV)/.installed  ## Compile the message catalogues (bokmål msgids, English catalogue)
	$(VENV)/bin/pybabel compile -d employerpool/translations

i18n-update: $(VENV)/.installed  ## Extract interface texts and merge them into the catalogues
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	    -o employerpool/translations/messages.pot .
	$(VENV)/bin/pybabel update -i employerpool/translations/messages.pot -d employerpool/translations \
	    --no-fuzzy-matching

eval: $(VENV)/.installed  ## Score the matcher on both evaluation sets (generated dev, real ads), beside char TF-IDF
	@set -e; for set in $(EVAL_SETS); do \
	  RESULTS=$$(mktemp); BASE=$$(mktemp); \
	  $(PY) -m matching rank --vacancies $(EVAL_ROOT)/$$set/vacancies.jsonl \
	      --candidates $(EVAL_ROOT)/$$set/candidates.jsonl --top 50 --out "$$RESULTS"; \
	  printf '%-12s matcher         ' "$$set"; $(PY) $(EVAL_ROOT)/score.py $(EVAL_ROOT)/$$set "$$RESULTS"; \
	  $(PY) $(EVAL_ROOT)/baselines.py $(EVAL_ROOT)/$$set tfidf-char "$$BASE"; \
	  printf '%-12s char TF-IDF     ' "$$set"; $(PY) $(EVAL_ROOT)/score.py $(EVAL_ROOT)/$$set "$$BASE"; \
	  rm -f "$$RESULTS" "$$BASE"; \
	done

bench: $(VENV)/.installed  ## Run the benchmarks (matcher at 100 000 candidates, pages) and print their figures
	$(PY) bench/bench_matcher.py
	$(PY) bench/bench_suggestions.py
	$(PY) bench/bench_reports.py

db: $(VENV)/.installed
	$(FLASK) db upgrade

seed: db  ## Migrate the database and load the demo data (only into an empty database)
	$(FLASK) seed demo

run: translations seed  ## Install, migrate SQLite, load demo data once, serve on http://127.0.0.1:$(PORT)
	@$(FLASK) seed logins
	@echo "E-mail (password links) is not sent: it is written to $(CURDIR)/instance/outbox/"
	@echo "Serving Arbeidsgiverpool Groruddalen on http://127.0.0.1:$(PORT)  (Ctrl+C stops)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: translations  ## Production profile: gunicorn, several workers (needs DATABASE_URL, SECRET_KEY; run `make db` first)
	EMPLOYERPOOL_ENV=$${EMPLOYERPOOL_ENV:-production} $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

bench-web: translations  ## Pages and API under load: gunicorn + wrk on PostgreSQL with 100 000 candidates
	$(PY) bench/bench_web.py

screenshots: $(VENV)/.installed  ## Regenerate docs/screenshots/ from the browser journeys (needs Chromium)
	UPDATE_SCREENSHOTS=1 REQUIRE_BROWSER=1 $(PY) -m pytest -q \
	    tests/browser/test_employer_journey.py tests/browser/test_counsellor_journey.py \
	    tests/browser/test_journeys.py -k "registers or suggestion_to_hire or coordinator"

lint: $(VENV)/.installed  ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed  ## ruff format and autofix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.installed translations  ## Run the whole test suite (SQLite; PostgreSQL with TEST_DATABASE_URL)
	$(PY) -m pytest
