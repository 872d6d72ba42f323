# gongkai: `make html` builds the demo township, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: html test serve publish check lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

html: $(STAMP)
	$(BIN)/gongkai build

check: $(STAMP)
	$(BIN)/gongkai check

serve: $(STAMP)
	$(BIN)/gongkai serve

# make publish TARGET=/srv/www/gongkai  (or user@host:/srv/www/gongkai); see docs/publishing.md
publish: $(STAMP)
	$(BIN)/gongkai publish $(if $(TARGET),--to "$(TARGET)")

test: $(STAMP)
	$(BIN)/ruff check plugins tests $(wildcard bench)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' && $(BIN)/python bench/run.py

clean:
	rm -rf output cache .pytest_cache
