# Shortcuts for dev.py, which holds the README's two commands (they need only Python 3.11+):
#   make demo  = python3 dev.py demo   creates .venv, installs petarawan, runs the Pangkalpinang example
#   make test  = python3 dev.py test   installs the test extras into .venv and runs the whole test suite
PYTHON ?= python3
VENV   ?= .venv
OUT    ?= out/pangkalpinang
export VENV OUT

.PHONY: demo test install clean

install:
	$(PYTHON) dev.py install

demo:
	$(PYTHON) dev.py demo

test:
	$(PYTHON) dev.py test

clean:
	rm -rf $(VENV) out build src/*.egg-info
