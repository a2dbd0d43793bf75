# Linbang: `make run` serves the board, `make test` runs every test, `make demo` serves a demo community.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
PYTEST := $(BIN)/python -m pytest
# Workers of the parallel pass: one per core and two more, 4 on the project's machines. A browser test
# spends much of its time waiting on its browser and server, so a core would otherwise sit idle (on a
# fresh clone here: 3 workers 522 s, 4 workers 497 s for the same 3090 tests).
WORKERS ?= $(shell echo $$(( $$(nproc) + 2 )))
# Every script in bench/ that measures something (the others are the pages and workers they start).
BENCHMARKS := claim_race browse_map ledger_stress inbox

.PHONY: run demo lint typecheck test test-fast bench lock clean

# The venv holds exactly the versions in the lock files; `make lock` writes them from requirements*.txt.
$(BIN)/streamlit: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	touch $@

$(BIN)/pytest: requirements-dev.lock $(BIN)/streamlit
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@

# With LINBANG_REPLICA_URL set, Litestream runs beside the board and stops with it (services/replication.py).
run: $(BIN)/streamlit
	$(BIN)/python -m services.replication serve -- $(BIN)/streamlit run app.py --server.port $(PORT)

demo: $(BIN)/streamlit
	$(BIN)/python -m demo.seed data/demo.db --force
	LINBANG_DB=data/demo.db $(BIN)/streamlit run app.py --server.port $(PORT)

lint: $(BIN)/pytest
	$(BIN)/ruff check .

# mypy over services/ and ui/ as mypy.ini says (every service function fully annotated); zero errors.
typecheck: $(BIN)/pytest
	$(BIN)/mypy

# Everything, with CI's budgets (the ci hypothesis profile: every example count as written, 50 kills
# per crash test): the parallel-safe tests on $(WORKERS) workers, then the `serial` ones alone, which
# must not share the CPU (tests/conftest.py says which and why). Each pass prints its 25 slowest tests.
# The type checker runs between lint and the tests.
test: lint typecheck
	HYPOTHESIS_PROFILE=ci $(PYTEST) -n $(WORKERS) -m "not serial" --durations=25
	HYPOTHESIS_PROFILE=ci $(PYTEST) -m serial --durations=25

# The developer's loop: everything but the browser and `slow` tests, with the dev profile's smaller
# budgets, all on $(WORKERS) workers.
test-fast: lint typecheck
	HYPOTHESIS_PROFILE=dev $(PYTEST) -n $(WORKERS) -m "not browser and not slow"

bench: $(BIN)/pytest
	set -e; for name in $(BENCHMARKS); do $(BIN)/python bench/$$name.py; done

# Rewrites the lock files. uv keeps every version already locked that still satisfies
# requirements*.txt; add UPGRADE=--upgrade to move everything to the newest releases.
lock: $(BIN)/pytest
	$(BIN)/uv pip compile -q $(UPGRADE) --python $(BIN)/python --custom-compile-command "make lock" \
		requirements.txt -o requirements.lock
	$(BIN)/uv pip compile -q $(UPGRADE) --python $(BIN)/python --custom-compile-command "make lock" \
		requirements-dev.txt -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) static artifacts .pytest_cache
