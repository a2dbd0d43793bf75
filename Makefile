# Linbang: `make run` serves the board, `make test` runs every test, `make demo` serves a demo community.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run demo test lint bench clean

$(BIN)/streamlit: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(BIN)/pytest: requirements-dev.txt $(BIN)/streamlit
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(BIN)/streamlit
	$(BIN)/streamlit run app.py --server.port $(PORT)

demo: $(BIN)/streamlit
	$(BIN)/python -m demo.seed data/demo.db --force
	LINBANG_DB=data/demo.db $(BIN)/streamlit run app.py --server.port $(PORT)

test: $(BIN)/pytest
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(BIN)/pytest
	$(BIN)/python bench/claim_race.py
	$(BIN)/python bench/browse_map.py

clean:
	rm -rf $(VENV) static artifacts .pytest_cache
