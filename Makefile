# autograd_xor: `make demo` runs the main job, `make test` the whole suite, `make docs` builds
# the documentation, `make lint` runs ruff and mypy and `make notebooks` opens the notebooks.
# Each creates .venv and installs what it needs on a fresh machine; the command itself is then
# .venv/bin/autograd-xor.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-slow lint dot chromium clean bench bench-quick docs serve-docs notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The package with the extras for its pictures (plot: matplotlib; render: graphviz), so that
# what the demo suggests runs as printed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[plot,render]"
	touch $@

# The test extra, and the python3 kernelspec of this venv for the notebooks' kernel.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# $(call system-program,PROGRAMS,PACKAGE,HOW): when none of PROGRAMS is on PATH, install the
# Debian PACKAGE with apt-get where we may (root); otherwise print HOW to install it.
define system-program
@for p in $(1); do command -v $$p >/dev/null 2>&1 && exit 0; done; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
  echo "Installing $(2) with apt-get..."; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
else \
  echo "$(3)"; \
fi
endef

# The Graphviz `dot` program renders graphs.
INSTALL_DOT := Graphviz 'dot' is missing: install it with 'sudo apt-get install graphviz', \
  'brew install graphviz' or 'conda install -c conda-forge graphviz'.
dot:
	$(call system-program,dot,graphviz,$(INSTALL_DOT))

# Chromium runs the explorer's browser tests: Playwright drives the system browser (never
# `playwright install`, which downloads one).
INSTALL_CHROMIUM := Chromium is missing, so the explorer's browser tests skip: install it \
  with 'sudo apt-get install chromium' (Debian/Ubuntu) or your system's package manager.
chromium:
	$(call system-program,chromium chromium-browser,chromium,$(INSTALL_CHROMIUM))

demo: $(VENV)/.installed dot
	$(BIN)/autograd-xor train
	@echo
	@echo "Next (the command is .venv/bin/autograd-xor; 'source .venv/bin/activate' makes it autograd-xor):"
	@echo "  .venv/bin/autograd-xor train --plot xor.png --graph xor-network.svg   this run's pictures"
	@echo "  .venv/bin/autograd-xor walkthrough --list      the worked examples"
	@echo "  .venv/bin/autograd-xor --help                  every command"
	@echo "  make notebooks                                 the notebooks, in JupyterLab"
	@echo "  make serve-docs                                the documentation, at http://127.0.0.1:8000/"

# The slow tests (the explorer on big graphs in the browser, each default training run
# reaching its accuracy, 30,000 fresh PyTorch-oracle graphs) run in test-slow.
test: $(VENV)/.installed-test dot chromium
	$(BIN)/python -m pytest -q -m "not slow"

# The slow tests: big graphs (e.g. the explorer on a width-64 network in the browser), the
# documentation site built and served, the package built with the oldest setuptools allowed.
test-slow: $(VENV)/.installed-test $(VENV)/.installed-docs dot chromium
	$(BIN)/python -m pytest -q -m slow tests

# ruff (its default rules, with the exceptions in pyproject.toml) over the whole repository,
# and mypy over the package, at the versions the lint extra pins.
$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[lint]"
	touch $@

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check .
	$(BIN)/mypy autograd_xor

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $@

# The documentation site, built strictly (any warning fails); figures are drawn at build time.
docs: $(VENV)/.installed-docs dot
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The same site served on this machine, rebuilt on every edit (Ctrl-C stops it).
DOCS_ADDR ?= 127.0.0.1:8000
serve-docs: $(VENV)/.installed-docs dot
	@echo "Serving the documentation at http://$(DOCS_ADDR)/ once it is built (Ctrl-C stops it)"
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr $(DOCS_ADDR)

# The notebooks in JupyterLab, with the python3 kernel of this venv (Ctrl-C stops it).
$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[jupyter,plot,testing]" jupyterlab
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

notebooks: $(VENV)/.installed-notebooks dot
	$(BIN)/jupyter lab notebooks

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[bench]"
	touch $@

# Side by side with micrograd (and PyTorch if installed): prints the table, writes
# benchmarks/results.json. A few minutes; bench-quick takes under a minute.
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench.py

bench-quick: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .mypy_cache site build *.egg-info
