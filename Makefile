# POP-bot: `make run` serves the web chat (and the Telegram bot when POPBOT_TELEGRAM_TOKEN is
# set), `make test` runs the whole suite. Both create .venv and install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE_VERSION := 4.10.3
AXE := $(VENV)/axe-core-$(AXE_VERSION)/axe.min.js

.PHONY: run test lint browser-deps pdf-deps pdf-test-deps pictures clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) pdf-deps
	$(VENV)/bin/popbot serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Browser tests drive Debian's Chromium (never a downloaded browser); the emoji font makes
# their screenshots look like a phone.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	fi

# WeasyPrint prints the POP as PDF with Debian's Pango (and the DejaVu font the PDF asks for);
# the tests read those PDFs back with poppler-utils (pdftotext, pdfimages, pdftoppm).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pdf-deps:
	@if ! dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	fi

pdf-test-deps: pdf-deps
	@if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; \
	fi

# axe-core (accessibility checks) from the npm registry, kept inside .venv.
$(AXE):
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm >/dev/null; }
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null) \
		&& tar -xzf $$tmp/axe-core-$(AXE_VERSION).tgz -C $$tmp \
		&& mkdir -p $(dir $(AXE)) && cp $$tmp/package/axe.min.js $(AXE) && rm -rf $$tmp

test: lint browser-deps pdf-test-deps $(AXE)
	POPBOT_AXE_JS=$(AXE) $(VENV)/bin/pytest

# Regenerate images/pictures/*.png and images/manifest.yaml (needs node/npm and Debian's pngquant).
pictures: $(STAMP)
	$(PY) -m pip install --quiet -e '.[pictures]'
	$(PY) images/tools/build_pictures.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
