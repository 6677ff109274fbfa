# The README's two commands: `make run` and `make test`. Both bootstrap their own virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck check serve migrate demo clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("lawmeet needs Python 3.11" if sys.version_info[:2] != (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## make run: install, migrate, load demo data, serve on http://127.0.0.1:8000 (SQLite in var/)
run: $(VENV)/.installed-run
	$(BIN)/lawmeet migrate
	$(BIN)/lawmeet demo
	$(BIN)/lawmeet serve

## make test: install the dev tools and run the whole suite (SQLite, PostgreSQL when reachable, browser)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

check: lint typecheck test

## make bench: the benchmarks of issues #5, #6 and #8 on PostgreSQL (LAWMEET_BENCH_PG, default
## postgres://postgres@127.0.0.1:5432; each makes and drops its own database). See BENCHMARKS.md.
.PHONY: bench
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.availability_search
	$(BIN)/python -m bench.booking_throughput
	$(BIN)/python -m bench.notification_throughput -n 1000 --rounds 3 --postgres
	$(BIN)/python -m bench.compliance_report --runs 10

## make fuzz: the API fuzz tests with 200 examples per operation and a fresh seed, on SQLite and
## PostgreSQL, for each role's token (tests/fuzz; the suite runs a few with a fixed seed).
.PHONY: fuzz
fuzz: $(VENV)/.installed-dev
	LAWMEET_FUZZ_EXAMPLES=200 LAWMEET_FUZZ_SEED=$$(date +%s) $(BIN)/python -m pytest -p no:cacheprovider -s tests/fuzz $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## make messages: extract the message ids into app/presentation/translations/messages.pot and update the
## zh_CN and en catalogues (created when missing); then translate the new zh_CN entries.
TRANSLATIONS := app/presentation/translations
CATALOGUE_LOCALES := zh_CN en

.PHONY: messages
messages: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 \
		--no-location --sort-output --project=lawmeet --copyright-holder=lawmeet \
		--version=$$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml) \
		-o $(TRANSLATIONS)/messages.pot .
	for locale in $(CATALOGUE_LOCALES); do \
		po=$(TRANSLATIONS)/$$locale/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$locale \
				--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date || exit 1; \
		else \
			$(BIN)/pybabel -q init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$locale || exit 1; \
		fi; \
	done
