# Two commands set everything up on a fresh Debian 12 (as root) and are idempotent:
#   make video   renders the explainer into renders/
#   make test    runs lint, type checks and the test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
REVEAL := $(VENV)/.reveal-fetched
# libegl1 and libgl1: the libEGL.so.1 and libGL.so.1 that skia-python's wheel links against.
# fonts-noto-cjk: Noto Sans CJK JP, for Japanese captions and labels (--language ja), which DejaVu lacks.
APT_PACKAGES := python3 python3-venv python3-dev gcc pkg-config libcairo2-dev libpango1.0-dev fonts-dejavu-core \
	libegl1 libgl1 fonts-noto-cjk
APT_TEST_PACKAGES := chromium chromium-driver
APT_LINT_PACKAGES := nodejs npm
ESLINT := node_modules/.bin/eslint
ESLINT_STAMP := node_modules/.installed
QUALITY ?= high
JOBS ?= 2

.PHONY: video preview lecture stills test lint setup clean catalogues

video: $(STAMP)
	$(VENV)/bin/ae-explainer video --quality $(QUALITY) --jobs $(JOBS) --out renders

preview: $(STAMP)
	$(VENV)/bin/ae-explainer video --quality low --jobs $(JOBS) --out renders

lecture: $(STAMP) $(REVEAL)
	$(VENV)/bin/ae-explainer lecture --jobs $(JOBS) --out renders/lecture

stills: $(STAMP)
	$(VENV)/bin/ae-explainer stills --jobs $(JOBS) --out renders/stills

test: lint $(REVEAL)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup --durations=15

# The static checks alone (make test runs them first): Python lint and format, types, the page's JavaScript.
lint: $(DEV_STAMP) $(ESLINT_STAMP)
	$(VENV)/bin/ruff check aecore scenes ae_explainer tests benchmarks examples
	$(VENV)/bin/ruff format --check aecore scenes ae_explainer tests benchmarks examples
	$(VENV)/bin/mypy aecore scenes ae_explainer examples
	$(ESLINT) --max-warnings 0 ae_explainer/deliver/explore_assets eslint.config.js

setup: $(DEV_STAMP)

# What rendering needs: system packages (only the missing ones), then the venv with pinned packages.
# `make video` stops here; what only the tests need comes with $(DEV_STAMP).
$(STAMP): pyproject.toml constraints.txt
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && ! { command -v python3 >/dev/null && python3 -c 'import venv, ensurepip, sysconfig, os; assert os.path.exists(sysconfig.get_paths()["include"] + "/Python.h")' 2>/dev/null && pkg-config --exists cairo pangocairo 2>/dev/null && fc-list | grep -q "DejaVu Sans" && fc-list | grep -q "Noto Sans CJK JP" && ldconfig -p | grep -q "libEGL.so.1 " && ldconfig -p | grep -q "libGL.so.1 "; }; then \
	  $(call apt_install,$$missing); \
	fi
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e .
	touch $(STAMP)

# What the tests need besides: the dev tools (pytest, ruff, mypy, pocketsphinx, selenium), and
# chromium and chromium-driver, in which the explorer page's tests run it headless (tests/test_explore.py).
$(DEV_STAMP): $(STAMP)
	@missing=""; for p in $(APT_TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then \
	  $(call apt_install,$$missing); \
	fi
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

# The JavaScript linter of the explorer page's script: node and npm from Debian (only if there is no
# node and npm already), then the eslint pinned in package.json and package-lock.json, into node_modules/.
$(ESLINT_STAMP): package.json package-lock.json
	@missing=""; for p in $(APT_LINT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && ! { command -v node >/dev/null && command -v npm >/dev/null; }; then \
	  $(call apt_install,$$missing); \
	fi
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(ESLINT_STAMP)

# apt_install(PACKAGES): as root with apt, install them; otherwise say what to run, and fail.
define apt_install
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$(1)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1); \
	  else \
	    echo "missing system packages; run: sudo apt-get install -y$(1)" >&2; exit 1; \
	  fi
endef

# reveal.js for the lecture pack's offline slides, fetched once from the npm registry (SHA-512 checked)
# into the venv, so lectures and tests never need the network.
$(REVEAL): $(STAMP) ae_explainer/deliver/lecture.py
	$(PY) -m ae_explainer.deliver.lecture fetch-reveal
	touch $(REVEAL)

# The translations: extract every string marked _() or N_() into locale/ae-explainer.pot and merge it
# into each language's .po (new strings come in empty, changed ones fuzzy: tests/test_i18n.py fails until
# they are translated). The .mo files are compiled when first used, into a cache (scenes/i18n.py).
catalogues: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ --no-wrap --sort-by-file --omit-header \
	  -o locale/ae-explainer.pot .
	for po in locale/*/LC_MESSAGES/ae-explainer.po; do \
	  $(VENV)/bin/pybabel update --no-wrap --omit-header -D ae-explainer -i locale/ae-explainer.pot -d locale \
	    -l $$(basename $$(dirname $$(dirname $$po))); \
	done

clean:
	rm -rf $(VENV) node_modules renders media
