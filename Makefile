PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run practice test bench lint i18n install install-test clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(FLASK) init-db
	$(FLASK) demo-data
	$(FLASK) serve --host 127.0.0.1 --port 8000

practice: install
	$(FLASK) serve --practice --host 0.0.0.0 --port 8001

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: install-test
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_processing

i18n: install-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o translations/messages.pot --no-location --sort-output app.py cli.py blueprints services templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
