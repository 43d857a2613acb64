# Two commands: `make book` builds the HTML book, `make test` runs every test.
# Both create .venv from requirements.txt on first use (Python >= 3.10 is all they need).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
JOBS   ?= 2

.PHONY: book test clean venv bench notebooks student pdf

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
# The kernels draw inline whatever MPLBACKEND the caller set (with Agg a page would
# lose every figure), and tools/check_book.py fails a page without figures or over 5 MB.
# tools/build_book.py is jupyter-book's command line with the kernels on IPC sockets.
# COURSEKIT_STATIC_EXPLORERS: each explorer renders as kernel-free HTML (frames over a
# grid of its main control(s), a range slider swapping them); notebooks elsewhere stay live.
book: export COURSEKIT_STATIC_EXPLORERS = 1
book: $(STAMP)
	$(BIN)/python tools/cache_key.py
	MPLBACKEND=module://matplotlib_inline.backend_inline $(BIN)/python tools/build_book.py build . --warningiserror --keep-going
	$(BIN)/python tools/check_book.py
	@echo "The book: file://$(CURDIR)/_build/html/index.html"

# The book as one PDF, _build/pdf/book.pdf (tools/pdf_book.py: Jupyter Book's LaTeX
# builder, xelatex through latexmk); it stops with the apt-get line when TeX is missing.
pdf: $(STAMP)
	$(BIN)/python tools/pdf_book.py

# One BLAS thread per process: pytest-xdist already uses both cores, and
# oversubscribed OpenBLAS threads spin and slow small matrix products badly.
# A stalled kernel fails its cell after 300 s (nbval's default is 2000 s) and that cell,
# and only a timed-out cell, is run once more (pytest-rerunfailures; see conftest.py).
# The kernels draw inline whatever MPLBACKEND the caller set; a lesson that displays no
# image fails (conftest.py).
# ruff lints and checks the formatting of coursekit, tests, tools and the lessons first.
test: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	MPLBACKEND=module://matplotlib_inline.backend_inline OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider \
		--nbval-cell-timeout=300 --reruns 1 --only-rerun "Timeout of [0-9.]+ seconds exceeded" tests lessons notebooks

# The reader edition notebooks/NN_slug.ipynb (committed; tests/test_editions.py fails when it is
# stale) and the student edition _build/student/NN_slug.ipynb (no solutions, code exercises
# stubbed). Both take their numbers from a numbering-only Sphinx build in _build/numbers
# (execution off, no pages written; about 10 s, less when only some lessons changed).
notebooks: $(STAMP)
	$(BIN)/python tools/reader_edition.py

student: $(STAMP)
	$(BIN)/python tools/reader_edition.py --student

bench: $(STAMP)
	cd benchmarks && for f in [!_]*.py; do ../$(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
