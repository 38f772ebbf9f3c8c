# petarawan — two commands on a fresh machine with only Python 3.11+:
#   make demo   creates .venv, installs petarawan, runs the Pangkalpinang example
#   make test   installs the test extras into .venv and runs the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/pangkalpinang

.PHONY: demo test install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	$(BIN)/petarawan run examples/pangkalpinang --out $(OUT)

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out build src/*.egg-info
