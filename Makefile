# Family Hub Assistant: `make run` serves the parent chat; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
ASSETS := web/static/govuk/.built
CHROMIUM := /usr/bin/chromium
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export MODEL_CACHE_DIR ?= $(CURDIR)/var/cache

.PHONY: install run test eval benchmark index browser clean fleet-test redis

MODELS := var/cache/.trained

install: $(PY_STAMP) $(ASSETS) $(MODELS)

# The learned models (safety routers, guidance ranker, conversation classifier, name tagger), trained from the project's
# own lines (seeded; cached by a digest of their inputs under var/cache, which the tests share through
# MODEL_CACHE_DIR).
$(MODELS): $(PY_STAMP) $(wildcard guardrails/safety/data/training/*.jsonl) guardrails/safety/data/training.yaml guardrails/safety/data/exemplars.yaml guardrails/safety/data/learned.yaml $(wildcard knowledge_base/content/*.md) knowledge_base/data/ranking.yaml assistant/data/conversation_training.yaml assistant/data/intents.yaml $(wildcard assistant/data/conversation_multilingual/*.jsonl) guardrails/data/languages.yaml $(wildcard guardrails/pii/data/name_training/*.jsonl) guardrails/pii/config.yaml guardrails/pii/data/first_names.txt guardrails/pii/data/surnames.txt guardrails/pii/data/not_people.yaml
	MODEL_CACHE_DIR=$(CURDIR)/var/cache $(PY) -m assistant train
	touch $@

$(PY_STAMP): requirements-build.lock requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# Exact pins with hashes: a substituted or changed file is refused. pip and setuptools first (the build).
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-build.lock
	# torch==2.13.0 resolves to the local CPU build, so no CUDA packages are pulled.
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	# The project itself, built with the pinned setuptools: nothing fetched to build it.
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Build GOV.UK Frontend from the pinned npm package: Sass compiled with the council font settings,
# plus the package's JavaScript and assets.
$(ASSETS): package.json package-lock.json web/frontend/app.scss
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf web/static/govuk && mkdir -p web/static/govuk
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps web/frontend/app.scss web/static/govuk/govuk-frontend.min.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js web/static/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets web/static/govuk/assets
	touch $@

run: install
	$(PY) -m assistant serve

index: install
	$(PY) -m assistant index

# Browser tests drive Debian's chromium; Playwright cannot download its own browser here.
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The tests that exercise the database again on PostgreSQL when TEST_POSTGRES_URL is set (.ci/run sets it).
POSTGRES_TESTS := tests/test_chat_api.py tests/test_handoff_service.py tests/test_handoff_http.py tests/test_staff_http.py

test: install browser redis
	$(PY) -m pytest -q
	@if [ -n "$${TEST_POSTGRES_URL:-}" ]; then \
	  echo "Database tests again on PostgreSQL"; \
	  DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest -q -m "not browser" $(POSTGRES_TESTS); \
	else echo "TEST_POSTGRES_URL not set: PostgreSQL run skipped (.ci/run starts one: eval \"\$$(.ci/postgres.sh start)\")"; fi

# Debian's redis-server, for the fleet test (installed like .ci/postgres.sh installs PostgreSQL).
redis:
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# PostgreSQL + `chroma run` + redis-server + two app servers on loopback (tests/test_fleet.py). Uses the
# PostgreSQL in TEST_POSTGRES_URL (.ci/run starts one), else starts a throwaway one for the run.
fleet-test: install redis
	@if [ -n "$${TEST_POSTGRES_URL:-}" ]; then \
	  FLEET_TEST=1 $(PY) -m pytest -q -p no:cacheprovider tests/test_fleet.py; \
	else \
	  pg_env=$$(.ci/postgres.sh start) && eval "$$pg_env" && \
	  trap '.ci/postgres.sh stop "$$PG_TEST_DIR"' EXIT && \
	  FLEET_TEST=1 $(PY) -m pytest -q -p no:cacheprovider tests/test_fleet.py; \
	fi

eval: install
	$(PY) -m assistant eval ../shared/eval/dev_questions.jsonl
	$(PY) -m assistant eval ../shared/eval/safety_dev.jsonl

benchmark: install
	$(PY) benchmarks/chat_latency.py

clean:
	rm -rf $(VENV) node_modules web/static/govuk var
