# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL half of the suite runs against this server (a database per run is created and dropped).
MILKRUN_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export MILKRUN_TEST_POSTGRES_URL

.PHONY: run test install lint typecheck test-sqlite test-postgresql browser fonts lock clean screenshots \
	messages compile-messages

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	MILKRUN_ENV=$${MILKRUN_ENV:-demo} $(BIN)/milkrun demo run

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

browser:
	@scripts/ensure-chromium

fonts:
	@scripts/ensure-fonts

test-sqlite: $(STAMP) browser fonts
	$(BIN)/pytest --db sqlite --junitxml=.test-results/sqlite.xml

test-postgresql: $(STAMP) fonts
	@if $(BIN)/python scripts/postgres_reachable.py; then \
		$(BIN)/pytest --db postgresql -m "not browser" --junitxml=.test-results/postgresql.xml; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL is not reachable at $$MILKRUN_TEST_POSTGRES_URL: the PostgreSQL half cannot run"; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL half: no server at $$MILKRUN_TEST_POSTGRES_URL (set MILKRUN_TEST_POSTGRES_URL)"; \
	fi

test: lint typecheck test-sqlite test-postgresql

# Desktop and phone screenshots of every admin page of the demo dairy, in docs/screenshots/.
screenshots: $(STAMP) browser fonts
	$(BIN)/python scripts/screenshots.py

# The translations (docs/languages.md): `make messages` extracts every marked text and adds the
# new ones to each language's .po (translate them there), `make compile-messages` compiles the
# .mo files that are shipped (committed). tests/test_languages.py fails on a text left untranslated.
LOCALE := src/milkrun/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project milkrun \
		--copyright-holder "milkrun" -o $(LOCALE)/milkrun.pot src
	$(BIN)/pybabel update -i $(LOCALE)/milkrun.pot -d $(LOCALE) -D milkrun \
		--no-fuzzy-matching --ignore-obsolete --width 100

compile-messages: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) -D milkrun --statistics

lock:
	$(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

clean:
	rm -rf $(VENV) .test-results .pytest_cache .mypy_cache .ruff_cache
