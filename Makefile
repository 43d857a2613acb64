# Two commands: `make book` builds the HTML book, `make test` runs every test.
# Both create .venv from requirements.txt on first use (Python >= 3.10 is all they need).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
JOBS   ?= 2

.PHONY: book test clean venv bench

venv: $(STAMP)

# Reinstall only when requirements.txt or pyproject.toml changed.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The execution cache keys on the notebooks' code only, so a change in coursekit
# would not re-run the lessons: tools/cache_key.py drops it (and Sphinx's environment) when coursekit changed.
book: $(STAMP)
	$(BIN)/python tools/cache_key.py
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The book: file://$(CURDIR)/_build/html/index.html"

# One BLAS thread per process: pytest-xdist already uses both cores, and
# oversubscribed OpenBLAS threads spin and slow small matrix products badly.
test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider tests lessons

bench: $(STAMP)
	cd benchmarks && for f in [!_]*.py; do ../$(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
