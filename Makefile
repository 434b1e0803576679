# Set-up is two commands: `make demo` and `make test`. Each creates .venv and
# installs what it needs, the system Graphviz included.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint graphviz torch clean notebooks exercises docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,notebooks,docs]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The graph pictures need Graphviz's `dot` executable, which pip cannot install.
graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Graphviz with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		echo "Installing Graphviz with sudo apt-get"; \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	else \
		echo "Graphviz's 'dot' is missing. Install it with: sudo apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS)"; \
		exit 1; \
	fi

demo: $(STAMP) graphviz
	$(PY) demo.py

test: $(STAMP) graphviz
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Optional: PyTorch (CPU build) for the comparison tests; never a dependency.
torch: $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0

# Re-execute the teaching notebooks in place (after editing notebooks/src/*.py).
notebooks: $(STAMP) graphviz
	$(PY) notebooks/execute.py

# Rebuild the exercises' student and teacher notebooks (after editing exercises/src/*.py).
exercises: $(STAMP)
	$(PY) exercises/build.py

# The documentation site, into site/: the pages of docs/, the notebooks, the API reference.
docs: $(STAMP)
	$(PY) -m mkdocs build --strict

lint: $(STAMP)
	$(PY) -m ruff check autograd nn optim tests benchmarks demo.py exercises docs/hooks.py

clean:
	rm -rf $(VENV) build *.egg-info demo_output site
